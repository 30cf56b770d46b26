package dev.clusterby;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens reports in Debian's headless Chromium (driven through /usr/bin/chromedriver; nothing is downloaded) from
 * file:// with every network request sent to a closed proxy, and checks what a person would see: no console errors,
 * no resource fetched, a canvas that is not blank, one drawn point per row, and a click on a card that highlights its
 * cluster. Screenshots go to target/report-*.png. Skipped, with the reason, where Chromium is not installed.
 */
class ReportBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static ChromeDriver driver;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium is not installed (" + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                "--allow-file-access-from-files");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopChromium() {
        if (driver != null) driver.quit();
    }

    @Test
    void reutersReportWorksInTheBrowser() throws IOException {
        try (DataPanel panel = ReportTest.reuters()) {
            ClusterBy<?> cb = panel.clusterBy("text", ReportTest.minilm(2, dir.resolve("cache")));
            Path file = dir.resolve("reuters.html");
            cb.report(file, ReportOptions.defaults().withInput("reuters-crude-acq.csv").withLabels("topic")
                    .withAggregates(Map.of("words", Agg.MEAN)));
            Checked page = open(file, panel.size());
            assertEquals(2, page.cards);
            screenshot("report-reuters.png");
        }
    }

    /** 100,000 rows: the canvas draws them all, and hover and highlight keep working (timings are printed, not asserted). */
    @Test
    void hundredThousandPoints() throws IOException {
        int n = 100_000, d = 8;
        float[][] rows = new float[n][d];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            int blob = random.nextInt(6);
            for (int j = 0; j < d; j++) rows[i][j] = (float) ((j == blob ? 4 : 0) + random.nextGaussian());
        }
        try (DataPanel panel = DataPanel.of(TensorColumn.of("v", rows))) {
            Path file = dir.resolve("big.html");
            panel.clusterBy("v", ClusterSpec.defaults().withParams(Map.of("k", 6, "seed", 1))
                    .withSettings(Settings.unset().withCacheDir(dir.resolve("cache"))))
                    .report(file, ReportOptions.defaults().withMap(MapOptions.defaults().withMethod("pca")));
            open(file, n);
            JavascriptExecutor js = driver;
            Object ms = js.executeScript("var t = performance.now(); window.clusterby.select(null); "
                    + "return new Promise(function (done) { requestAnimationFrame(function () { requestAnimationFrame(function () { done(performance.now() - t); }); }); });");
            System.out.printf("100k points: one redraw %.0f ms%n", ((Number) ms).doubleValue());
            screenshot("report-100k.png");
        }
    }

    record Checked(int cards) {}

    private Checked open(Path file, int rows) {
        driver.get(file.toUri().toString());
        JavascriptExecutor js = driver;
        assertEquals(rows, ((Number) js.executeScript("return window.clusterby.pointsDrawn")).intValue(), "points drawn");
        assertEquals(0L, js.executeScript("return performance.getEntriesByType('resource').length"), "resources fetched");
        long inked = inked(js);
        assertTrue(inked > 100, "the map canvas is blank: " + inked + " coloured pixels");

        List<WebElement> cards = driver.findElements(By.cssSelector(".card"));
        WebElement card = cards.get(cards.size() > 1 ? 1 : 0);
        int cluster = Integer.parseInt(card.getDomAttribute("data-cluster"));
        String colour = (String) js.executeScript("return getComputedStyle(arguments[0]).borderLeftColor", card);
        long before = pixelsOf(js, colour);
        card.click();
        js.executeScript("return new Promise(function (done) { requestAnimationFrame(function () { requestAnimationFrame(done); }); })");
        assertEquals(List.of((long) cluster), js.executeScript("return window.clusterby.active()"));
        assertTrue(card.getDomAttribute("class").contains("on"), "the clicked card is marked");
        long after = pixelsOf(js, colour), otherAfter = inked(js) - after;
        assertTrue(after >= before && after > 0, "highlighted cluster " + cluster + ": " + before + " -> " + after + " pixels of " + colour);
        assertTrue(after > otherAfter / 50, "the other clusters are faded: " + otherAfter + " other coloured pixels");
        assertEquals(rows, ((Number) js.executeScript("return window.clusterby.pointsDrawn")).intValue(), "points drawn after the click");

        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertTrue(errors.isEmpty(), "console errors: " + errors);
        return new Checked(cards.size());
    }

    /** Pixels of the map canvas that are not white (the background). */
    private static long inked(JavascriptExecutor js) {
        return ((Number) js.executeScript("var c = document.getElementById('map'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;"
                + "for (var i = 0; i < d.length; i += 4) if (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245) n++; return n;")).longValue();
    }

    /** Pixels within a small distance of an rgb(...) colour: points drawn at (near) full strength. */
    private static long pixelsOf(JavascriptExecutor js, String rgb) {
        return ((Number) js.executeScript("var m = arguments[0].match(/\\d+/g).map(Number), c = document.getElementById('map'),"
                + "d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;"
                + "for (var i = 0; i < d.length; i += 4) if (Math.abs(d[i] - m[0]) + Math.abs(d[i + 1] - m[1]) + Math.abs(d[i + 2] - m[2]) < 90) n++; return n;", rgb)).longValue();
    }

    private static void screenshot(String name) throws IOException {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
