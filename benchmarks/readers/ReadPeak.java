import dev.clusterby.DataPanel;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one file with DataPanel.read and prints the wall time, the heap's peak (the sum of the heap pools' peaks) and
 * the process's peak RSS (VmHWM). Run with java's source launcher on the library's classpath (read-peak.sh).
 */
public class ReadPeak {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long start = System.nanoTime();
        int rows, columns;
        double seconds;
        long retained;
        try (DataPanel panel = DataPanel.read(file)) {
            seconds = (System.nanoTime() - start) / 1e9;
            rows = panel.size();
            columns = panel.columnNames().size();
            System.gc();   // what the panel itself holds, once the reading's garbage is gone
            Runtime runtime = Runtime.getRuntime();
            retained = runtime.totalMemory() - runtime.freeMemory();
        }
        long heapPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) heapPeak += pool.getPeakUsage().getUsed();
        }
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM:")).findFirst().orElse("VmHWM: ? kB").replaceAll("\\D", "");
        System.out.printf("file=%s bytes=%d rows=%d columns=%d seconds=%.1f retained_mb=%.0f heap_peak_mb=%.0f rss_peak_mb=%.0f%n",
                file.getFileName(), Files.size(file), rows, columns, seconds, retained / 1e6, heapPeak / 1e6, Long.parseLong(hwm) / 1e3);
    }
}
