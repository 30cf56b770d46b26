package dev.clusterby.internal.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.clusterby.ClusterbyException;
import dev.clusterby.cluster.ModelState;
import dev.clusterby.internal.Hashes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A saved model on disk: a zip archive (or the folder it unzips to) of {@code manifest.json}, one {@code .npy} file
 * per array, and {@code manifest.sha256}, the hex SHA-256 of the manifest's bytes. The manifest names each array's
 * file, type, shape and SHA-256, so the one checksum covers everything. Reading meets hostile bytes: every failure,
 * whatever its cause, is a {@link ClusterbyException.BadFile} that names the file and what is wrong.
 */
public final class ModelArchive {
    /** The format this code writes; a higher one in a file is refused as newer. */
    public static final int FORMAT_VERSION = 1;
    /** The manifest's {@code format} value. */
    public static final String FORMAT = "clusterby-model";
    static final String MANIFEST = "manifest.json";
    static final String CHECKSUM = "manifest.sha256";
    private static final int MAX_ENTRIES = 256;
    private static final long MAX_MANIFEST_BYTES = 16L << 20;
    private static final long MAX_ARRAY_BYTES = 1L << 31;
    private static final Pattern FILE_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,127}\\.npy");

    private ModelArchive() {}

    /** The manifest and the arrays, by their manifest names, of a model file that passed every check. */
    public record Contents(JsonObject manifest, Map<String, ModelState.Array> arrays) {}

    /**
     * Writes the manifest (without its {@code arrays} member, which this adds) and the arrays to a zip archive at
     * {@code path}, atomically. Array names are lower-case with {@code /} allowed; each becomes one {@code .npy} file.
     */
    public static void write(Path path, JsonObject manifest, Map<String, ModelState.Array> arrays) {
        JsonObject full = manifest.deepCopy();
        JsonObject index = new JsonObject();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (var entry : arrays.entrySet()) {
            String file = entry.getKey().replace('/', '-') + ".npy";
            byte[] bytes = npy(entry.getValue());
            if (files.put(file, bytes) != null) throw new IllegalArgumentException("two arrays save to " + file);
            JsonObject described = new JsonObject();
            described.addProperty("file", file);
            described.addProperty("dtype", entry.getValue().dtype().descr());
            JsonArray shape = new JsonArray();
            for (int s : entry.getValue().shape()) shape.add(s);
            described.add("shape", shape);
            described.addProperty("sha256", Hashes.sha256Hex(bytes));
            index.add(entry.getKey(), described);
        }
        full.add("arrays", index);
        byte[] manifestBytes = new com.google.gson.GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                .disableHtmlEscaping().create().toJson(full).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(path, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            put(zip, MANIFEST, manifestBytes);
            for (var file : files.entrySet()) put(zip, file.getKey(), file.getValue());
            put(zip, CHECKSUM, (Hashes.sha256Hex(manifestBytes) + "\n").getBytes(StandardCharsets.US_ASCII));
            zip.finish();
        });
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Reads and checks a model file (zip or folder); only {@link ClusterbyException.BadFile} escapes. */
    public static Contents read(Path path) {
        try {
            return readChecked(path);
        } catch (ClusterbyException.BadFile e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new ClusterbyException.BadFile("model file " + path + " does not exist");
        } catch (IOException e) {
            throw new ClusterbyException.BadFile("model file " + path + " cannot be read: " + AtomicFiles.describe(e), e);
        } catch (ClusterbyException e) {
            throw new ClusterbyException.BadFile("model file " + path + " is not a valid model: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new ClusterbyException.BadFile("model file " + path + " is corrupt: " + e, e);
        }
    }

    private static Contents readChecked(Path path) throws IOException {
        Map<String, byte[]> entries = Files.isDirectory(path) ? folder(path) : zip(path);
        byte[] manifestBytes = entries.get(MANIFEST);
        if (manifestBytes == null) throw bad(path, "has no " + MANIFEST + " (is it a clusterby model?)");
        byte[] checksum = entries.get(CHECKSUM);
        if (checksum == null) throw bad(path, "has no " + CHECKSUM);
        String expected = new String(checksum, StandardCharsets.US_ASCII).trim();
        JsonObject manifest = parse(path, manifestBytes);
        // The version is read before the checksum, so a newer file says so instead of "corrupt".
        checkFormat(path, manifest);
        if (!Hashes.sha256Hex(manifestBytes).equals(expected)) {
            throw bad(path, "is corrupt: " + MANIFEST + " does not match its checksum in " + CHECKSUM);
        }
        Map<String, ModelState.Array> arrays = new LinkedHashMap<>();
        JsonElement index = manifest.get("arrays");
        if (index == null || !index.isJsonObject()) throw bad(path, "manifest has no 'arrays' object");
        for (var entry : index.getAsJsonObject().entrySet()) {
            arrays.put(entry.getKey(), array(path, entry.getKey(), entry.getValue(), entries));
        }
        return new Contents(manifest, arrays);
    }

    private static void checkFormat(Path path, JsonObject manifest) {
        JsonElement format = manifest.get("format");
        if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())) {
            throw bad(path, "is not a clusterby model (manifest 'format' is " + format + ", expected \"" + FORMAT + "\")");
        }
        JsonElement version = manifest.get("format-version");
        if (version == null || !version.isJsonPrimitive() || !version.getAsJsonPrimitive().isNumber()) {
            throw bad(path, "has no numeric 'format-version'");
        }
        double v = version.getAsDouble();
        if (v != Math.rint(v) || v < 1) throw bad(path, "has format-version " + version + ", not a positive integer");
        if (v > FORMAT_VERSION) {
            throw bad(path, "has format version " + version + ", newer than this clusterby reads (" + FORMAT_VERSION
                    + "); upgrade clusterby to load it");
        }
    }

    private static JsonObject parse(Path path, byte[] bytes) {
        try {
            JsonReader reader = new JsonReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = JsonParser.parseReader(reader);
            if (!root.isJsonObject()) throw bad(path, MANIFEST + " is not a JSON object");
            return root.getAsJsonObject();
        } catch (com.google.gson.JsonParseException e) {
            throw bad(path, MANIFEST + " is not valid JSON: " + e.getMessage());
        }
    }

    private static ModelState.Array array(Path path, String name, JsonElement described, Map<String, byte[]> entries) {
        if (!described.isJsonObject()) throw bad(path, "array '" + name + "' is not described by an object");
        JsonObject d = described.getAsJsonObject();
        String file = text(path, d, "file", name);
        if (!FILE_NAME.matcher(file).matches()) throw bad(path, "array '" + name + "' names the file '" + file + "'");
        byte[] bytes = entries.get(file);
        if (bytes == null) throw bad(path, "is missing " + file + " (array '" + name + "'); truncated?");
        if (!Hashes.sha256Hex(bytes).equals(text(path, d, "sha256", name))) {
            throw bad(path, "is corrupt: " + file + " does not match its checksum");
        }
        return npy(path, file, bytes);
    }

    private static String text(Path path, JsonObject object, String key, String array) {
        JsonElement value = object.get(key);
        if (value == null || !value.isJsonPrimitive()) throw bad(path, "array '" + array + "' has no '" + key + "'");
        return value.getAsString();
    }

    // ---- containers ----

    /** The entries through the central directory, so a file cut anywhere (even after the last entry) is refused. */
    private static Map<String, byte[]> zip(Path path) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        if (Files.size(path) == 0) throw bad(path, "is empty");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(path.toFile())) {
            if (zip.size() > MAX_ENTRIES) throw bad(path, "has more than " + MAX_ENTRIES + " entries");
            var all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry entry = all.nextElement();
                String name = entry.getName();
                long cap = name.equals(MANIFEST) ? MAX_MANIFEST_BYTES : MAX_ARRAY_BYTES;
                try (InputStream in = zip.getInputStream(entry)) {
                    if (entries.put(name, readAtMost(in, cap, path, name)) != null) throw bad(path, "holds " + name + " twice");
                }
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw bad(path, "is not a complete zip archive (" + e.getMessage() + "); truncated or corrupt?");
        }
        if (entries.isEmpty()) throw bad(path, "is an empty zip archive");
        return entries;
    }

    private static Map<String, byte[]> folder(Path dir) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.limit(MAX_ENTRIES + 1).toList()) {
                if (!Files.isRegularFile(file)) continue;
                String name = file.getFileName().toString();
                if (!name.equals(MANIFEST) && !name.equals(CHECKSUM) && !FILE_NAME.matcher(name).matches()) continue;
                long cap = name.equals(MANIFEST) ? MAX_MANIFEST_BYTES : MAX_ARRAY_BYTES;
                if (Files.size(file) > cap) throw bad(dir, "has " + name + " larger than " + cap + " bytes");
                entries.put(name, Files.readAllBytes(file));
            }
        }
        return entries;
    }

    private static byte[] readAtMost(InputStream in, long cap, Path path, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int read; (read = in.read(buffer)) > 0; ) {
            total += read;
            if (total > cap) throw bad(path, "has an entry " + name + " larger than " + cap + " bytes");
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    // ---- arrays as .npy ----

    static byte[] npy(ModelState.Array array) {
        int[] shape = array.shape();
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) dims[i] = shape[i];
        byte[] header = Npy.header(array.dtype().descr(), dims);
        ByteBuffer out = ByteBuffer.allocate(header.length + array.size() * array.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(header);
        switch (array.dtype()) {
            case FLOAT32 -> out.asFloatBuffer().put((float[]) array.data());
            case FLOAT64 -> out.asDoubleBuffer().put((double[]) array.data());
            case INT32 -> out.asIntBuffer().put((int[]) array.data());
        }
        return out.array();
    }

    private static final Pattern DESCR = Pattern.compile("'descr': '([^']*)'");
    private static final Pattern SHAPE = Pattern.compile("'shape': \\(([0-9, ]*)\\)");

    /** A little-endian, C-order f4, f8 or i4 array as {@link #npy(ModelState.Array)} writes it; anything else is refused. */
    static ModelState.Array npy(Path path, String file, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(bytes, 6), Npy.MAGIC)) {
            throw bad(path, file + " is not a .npy file");
        }
        int major = bytes[6];
        long headerLength;
        int start;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(in.getShort(8));
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw bad(path, file + " is truncated");
            headerLength = Integer.toUnsignedLong(in.getInt(8));
            start = 12;
        } else {
            throw bad(path, file + " has .npy version " + major);
        }
        if (start + headerLength > bytes.length) throw bad(path, file + " is truncated in its header");
        String header = new String(bytes, start, (int) headerLength, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !shapeText.find() || !header.contains("'fortran_order': False")) {
            throw bad(path, file + " has a header this reader does not take: " + header.trim());
        }
        ModelState.Dtype dtype = ModelState.Dtype.ofDescr(descr.group(1));
        if (dtype == null) throw bad(path, file + " has element type " + descr.group(1) + "; expected <f4, <f8 or <i4");
        String[] parts = shapeText.group(1).split(",");
        int[] shape = new int[parts.length];
        int count = 0;
        long elements = 1;
        for (String part : parts) {
            if (part.isBlank()) continue;
            try {
                shape[count] = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw bad(path, file + " has a bad shape (" + shapeText.group(1) + ")");
            }
            elements = Math.multiplyExact(elements, (long) shape[count++]);
        }
        shape = java.util.Arrays.copyOf(shape, count);
        long dataStart = start + headerLength;
        if (Math.multiplyExact(elements, (long) dtype.bytes()) != bytes.length - dataStart) {
            throw bad(path, file + " holds " + (bytes.length - dataStart) + " data bytes where shape "
                    + java.util.Arrays.toString(shape) + " needs " + elements * dtype.bytes() + "; truncated?");
        }
        ByteBuffer data = in.position((int) dataStart).slice().order(ByteOrder.LITTLE_ENDIAN);
        Object values = switch (dtype) {
            case FLOAT32 -> { float[] v = new float[(int) elements]; data.asFloatBuffer().get(v); yield v; }
            case FLOAT64 -> { double[] v = new double[(int) elements]; data.asDoubleBuffer().get(v); yield v; }
            case INT32 -> { int[] v = new int[(int) elements]; data.asIntBuffer().get(v); yield v; }
        };
        return new ModelState.Array(dtype, shape, values);
    }

    private static ClusterbyException.BadFile bad(Path path, String problem) {
        return new ClusterbyException.BadFile("model file " + path + " " + problem);
    }
}
