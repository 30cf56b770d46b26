package dev.clusterby.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The CLI on image folders (corrupt files, the auto image encoder, bad options) and with instructions on real text. */
class CliImagesAndInstructionsTest {
    @TempDir
    static Path tmp;
    static Path folder, cache;
    static final int[] COLOURS = {0xff0000, 0x00ff00, 0x0000ff};

    @BeforeAll
    static void setUp() throws IOException {
        cache = tmp.resolve("cache");
        // 3 colours × 4 images in label subfolders, of varied sizes, in PNG, JPEG and BMP; plus a broken PNG and a cut JPEG.
        folder = tmp.resolve("images");
        String[] names = {"red", "green", "blue"};
        String[] formats = {"png", "jpg", "bmp", "png"};
        for (int c = 0; c < 3; c++) {
            Path sub = Files.createDirectories(folder.resolve(names[c]));
            for (int i = 0; i < 4; i++) {
                BufferedImage image = halves(40 + 8 * i, 36 + 4 * i, COLOURS[c], 0x808080 + i * 0x050505);
                ImageIO.write(image, formats[i], sub.resolve("img" + i + "." + formats[i]).toFile());
            }
        }
        Files.write(folder.resolve("blue").resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        byte[] jpeg = Files.readAllBytes(folder.resolve("red").resolve("img1.jpg"));
        Files.write(folder.resolve("green").resolve("cut.jpg"), Arrays.copyOf(jpeg, 40));
    }

    /** Left half one colour, right half another. */
    static BufferedImage halves(int w, int h, int left, int right) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) image.setRGB(x, y, x < w / 2 ? left : right);
        return image;
    }

    @Test
    void theAutoImageEncoderIsClassicalAndClustersShapes() throws IOException {
        Path shapes = tmp.resolve("shapes");
        Files.createDirectories(shapes);
        for (int i = 0; i < 12; i++) {
            BufferedImage image = new BufferedImage(30 + i, 30 + i, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    boolean on = i % 2 == 0 ? (y / 3) % 2 == 0 : (x / 3) % 2 == 0; // horizontal vs vertical stripes
                    image.setRGB(x, y, on ? 0xffffff : 0x202020);
                }
            }
            ImageIO.write(image, "png", shapes.resolve(String.format("s%02d.png", i)).toFile());
        }
        Files.writeString(shapes.resolve("s99.png"), "not a png");
        Path out = tmp.resolve("shapes.csv");
        StringWriter stdout = new StringWriter(), stderr = new StringWriter();
        int code = Main.run(new String[] {"cluster", shapes.toString(), "--by", "image", "--k", "2", "--out", out.toString(),
                "--cache-dir", cache.toString()}, new PrintWriter(stdout), new PrintWriter(stderr));
        assertEquals(0, code, stderr.toString());
        assertTrue(stdout.toString().contains("not embedded: 1 row"), stdout.toString());
        List<String> lines = Files.readAllLines(out);
        assertTrue(lines.get(0).contains("image") && lines.get(0).contains("cluster") && lines.get(0).contains("cluster_error"), lines.get(0));
        assertEquals(14, lines.size());
        int[] clusters = new int[13];
        for (int i = 0; i < 13; i++) {
            String line = lines.get(i + 1);
            assertTrue(line.contains(String.format("s%02d.png", i == 12 ? 99 : i)), "row order kept: " + line);
            clusters[i] = line.contains(",-1,") ? -1 : Integer.parseInt(line.replaceAll(".*,(\\d+),?.*", "$1"));
        }
        assertEquals(-1, clusters[12]);
        assertTrue(lines.get(13).contains("cannot decode image"), lines.get(13));
        for (int i = 2; i < 12; i++) assertEquals(clusters[i % 2], clusters[i], "stripes of one direction cluster together");
        assertNotEquals(clusters[0], clusters[1]);
    }

    @Test
    void theCliTellsWhatIsWrong() {
        StringWriter stdout = new StringWriter(), stderr = new StringWriter();
        int code = Main.run(new String[] {"demo", "--images", "--data", tmp.resolve("no-such").toString()},
                new PrintWriter(stdout), new PrintWriter(stderr));
        assertEquals(2, code);
        assertTrue(stderr.toString().contains("scripts/fetch-data.sh"), stderr.toString());

        stderr = new StringWriter();
        code = Main.run(new String[] {"cluster", folder.toString(), "--by", "image", "--device", "tpu"},
                new PrintWriter(stdout), new PrintWriter(stderr));
        assertEquals(2, code);
        assertTrue(stderr.toString().contains("auto, cpu, cuda"), stderr.toString());
        System.clearProperty("clusterby.device");

        stderr = new StringWriter();
        code = Main.run(new String[] {"cluster", folder.toString(), "--by", "image", "--crop", "0,0,x,1"},
                new PrintWriter(stdout), new PrintWriter(stderr));
        assertEquals(2, code);
        assertTrue(stderr.toString().contains("'x'"), stderr.toString());
    }

    record Run(int code, String out, String err) {}

    private Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Path emoji() throws IOException {
        Path csv = tmp.resolve("emoji.csv");
        try (InputStream in = getClass().getResourceAsStream("/data/emoji-colours.csv")) {
            Files.copy(in, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return csv;
    }

    @Test
    void commandLinePrintsTheInstructionLine() throws IOException {
        Path csv = emoji();
        String cache = tmp.resolve("cache").toString();
        Run discover = cli("cluster", csv.toString(), "--by", "text", "--k", "9", "--encoder", "minilm",
                "--instruction", "group by colour", "--cache-dir", cache, "--out", tmp.resolve("out.csv").toString());
        assertEquals(0, discover.code(), discover.err());
        assertTrue(discover.out().contains("instruction: method=discover rank="), discover.out());
        assertTrue(discover.out().contains("phrases=blue, "), discover.out());
        assertTrue(discover.out().contains("embedded: 53 computed") || discover.out().contains("embedded: 0 computed, 53 cached"));
        Run mask = cli("cluster", csv.toString(), "--by", "text", "--k", "9", "--encoder", "minilm", "--instruction", "colour",
                "--instruct-method", "mask", "--top-k", "7", "--mask-similarity", "dot", "--cache-dir", cache);
        assertEquals(0, mask.code(), mask.err());
        assertTrue(mask.out().contains("embedded: 0 computed, 53 cached"), mask.out());
        assertTrue(mask.out().lines().anyMatch(l -> l.matches("instruction: method=mask similarity=dot dims=(\\d+,){6}\\d+")), mask.out());
        Run subspace = cli("cluster", csv.toString(), "--by", "text", "--k", "9", "--encoder", "minilm",
                "--template", "a {} emoji", "--values", "red,blue,green", "--cache-dir", cache);
        assertEquals(0, subspace.code(), subspace.err());
        assertTrue(subspace.out().contains("instruction: method=subspace rank=2 phrases=a red emoji, a blue emoji, a green emoji"), subspace.out());
    }

    @Test
    void commandLineErrorsNameTheOption() throws IOException {
        Path csv = emoji();
        String[] base = {"cluster", csv.toString(), "--by", "text", "--encoder", "minilm", "--cache-dir", tmp.resolve("c").toString()};
        Run values = cli(concat(base, "--values", "a,b"));
        assertEquals(2, values.code());
        assertTrue(values.err().contains("--values") && values.err().contains("--template"), values.err());
        Run template = cli(concat(base, "--template", "a heart", "--values", "a,b"));
        assertEquals(2, template.code());
        assertTrue(template.err().contains("'a heart'") && template.err().contains("{}"), template.err());
        Run method = cli(concat(base, "--instruction", "x", "--instruct-method", "pca"));
        assertEquals(2, method.code());
        assertTrue(method.err().contains("'pca'") && method.err().contains("mask, subspace, discover"), method.err());
        Run crop = cli(concat(base, "--instruction", "x", "--crop", "0,0,10,10"));
        assertEquals(2, crop.code());
        assertTrue(crop.err().contains("'text'") && crop.err().contains("crop"), crop.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
