package dev.clusterby;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads back what a report holds for machines: the JSON of its {@code clusterby-data} element. */
public final class ReportFiles {
    private ReportFiles() {}

    public static JsonObject data(Path report) throws IOException {
        String page = Files.readString(report);
        String open = "<script type=\"application/json\" id=\"clusterby-data\">";
        int start = page.indexOf(open);
        if (start < 0) throw new AssertionError("no clusterby-data element in " + report);
        int end = page.indexOf("</script>", start);
        return JsonParser.parseString(page.substring(start + open.length(), end)).getAsJsonObject();
    }
}
