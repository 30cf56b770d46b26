package dev.clusterby.internal.compute.nativ.foreign;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-generated bindings must mirror the header: rerun native/gen-bindings.py when this fails. */
class BindingsMatchHeaderTest {
    private static final Pattern DECL = Pattern.compile("^CB_API\\s+([\\w\\s*]+?)\\s*\\b(cb_\\w+)\\s*\\(([^)]*)\\)\\s*;");

    @Test
    void everyHeaderFunctionHasAMatchingBinding() throws IOException {
        Map<String, List<Class<?>>> header = parseHeader(Path.of("native/include/clusterby.h"));
        assertFalse(header.isEmpty(), "no CB_API declarations found in the header");
        Map<String, Method> bindings = new LinkedHashMap<>();
        for (Method m : clusterby_h.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()) && m.getName().startsWith("cb_")
                    && !m.getName().contains("$")) {
                bindings.put(m.getName(), m);
            }
        }
        assertEquals(header.keySet(), bindings.keySet(), "functions in the header vs methods of clusterby_h");
        assertEquals(List.copyOf(header.keySet()), clusterby_h.SYMBOLS, "clusterby_h.SYMBOLS");
        for (var entry : header.entrySet()) {
            List<Class<?>> expected = entry.getValue();
            Method method = bindings.get(entry.getKey());
            assertEquals(expected.getFirst(), method.getReturnType(), entry.getKey() + " return type");
            List<Class<?>> params = Arrays.asList(method.getParameterTypes());
            assertEquals(expected.size() - 1, params.size(), entry.getKey() + " parameter count");
            assertEquals(expected.subList(1, expected.size()), params, entry.getKey() + " parameter types");
        }
    }

    /** name → [return type, parameter types...] as Java sees them. */
    static Map<String, List<Class<?>>> parseHeader(Path header) throws IOException {
        Map<String, List<Class<?>>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(header)) {
            Matcher m = DECL.matcher(line.strip());
            if (!m.find()) continue;
            List<Class<?>> types = new ArrayList<>();
            types.add(javaType(m.group(1)));
            String params = m.group(3).strip();
            if (!params.isEmpty() && !params.equals("void")) {
                for (String p : params.split(",")) {
                    String type = p.strip().replaceAll("\\w+$", "");
                    types.add(javaType(type));
                }
            }
            out.put(m.group(2), types);
        }
        return out;
    }

    private static Class<?> javaType(String cType) {
        String t = cType.replace("const", " ").replaceAll("\\s+", " ").strip();
        if (t.endsWith("*")) return MemorySegment.class;
        return switch (t) {
            case "void" -> void.class;
            case "int", "int32_t" -> int.class;
            case "int64_t" -> long.class;
            case "double" -> double.class;
            case "float" -> float.class;
            default -> throw new AssertionError("unexpected C type in the header: " + t);
        };
    }

    @Test
    void headerParserSeesPointersAndScalars() throws IOException {
        Map<String, List<Class<?>>> header = parseHeader(Path.of("native/include/clusterby.h"));
        assertTrue(header.containsKey("cb_assign_l2"));
        assertEquals(List.of(int.class, MemorySegment.class, long.class, long.class, MemorySegment.class, long.class,
                MemorySegment.class, MemorySegment.class, int.class), header.get("cb_assign_l2"));
    }
}
