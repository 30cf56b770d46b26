package dev.clusterby;

import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs javadoc over the API and extension-point packages with every doclint check on: no errors, and every
 * public type and member has a comment ("no comment" warnings). Missing @param / @return tags are allowed.
 */
class ApiDocumentationTest {

    @Test
    void theApiHasNoJavadocErrorsAndNoUncommentedPublicMember() throws IOException {
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        Path out = Files.createDirectories(Path.of("target", "api-doc-check"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-Xdoclint:all", "-quiet", "-Xmaxwarns", "100000", "-Xmaxerrs", "100000",
                "--add-modules", "jdk.incubator.vector", "-d", out.toString(),
                "-sourcepath", "src/main/java", "-cp", System.getProperty("java.class.path"),
                "dev.clusterby", "dev.clusterby.cluster", "dev.clusterby.embed", "dev.clusterby.compute");
        StringWriter log = new StringWriter();
        boolean ok = javadoc.getTask(log, null, diagnostics, null, options, null).call();
        StringBuilder problems = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            boolean uncommented = d.getKind() == Diagnostic.Kind.WARNING && message.contains("no comment");
            if (d.getKind() == Diagnostic.Kind.ERROR || uncommented) {
                String source = d.getSource() == null ? "?" : new File(d.getSource().getName()).getName();
                problems.append(source).append(':').append(d.getLineNumber()).append(": ").append(message).append('\n');
            }
        }
        assertTrue(problems.isEmpty(), "javadoc of the API:\n" + problems);
        assertTrue(ok, "javadoc failed:\n" + log);
    }
}
