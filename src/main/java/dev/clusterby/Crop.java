package dev.clusterby;

import java.util.Locale;

/**
 * A rectangle of an image to embed instead of the whole image: left-top {@code (x0, y0)} to right-bottom
 * {@code (x1, y1)}, exclusive at the right and bottom. In pixels, or as fractions of the width and height in [0, 1]
 * when {@code fractional} (so one crop fits images of different sizes). Image encoders apply it; its
 * {@link #cacheKeyPart()} is part of every cache key of a cropped embedding, so a different crop is a miss.
 */
public record Crop(double x0, double y0, double x1, double y1, boolean fractional) {

    /** Checks that the corners are finite, non-negative, within [0, 1] when fractional, and in order. */
    public Crop {
        check("x0", x0, fractional);
        check("y0", y0, fractional);
        check("x1", x1, fractional);
        check("y1", y1, fractional);
        if (x1 <= x0 || y1 <= y0) {
            throw new ClusterbyException.BadOption("crop", "the right-bottom corner (" + fmt(x1) + ", " + fmt(y1)
                    + ") must lie right of and below the left-top corner (" + fmt(x0) + ", " + fmt(y0) + ")");
        }
    }

    private static void check(String name, double value, boolean fractional) {
        if (!Double.isFinite(value) || value < 0) {
            throw new ClusterbyException.BadOption("crop", name + " must be a finite number ≥ 0, got " + value);
        }
        if (fractional && value > 1) {
            throw new ClusterbyException.BadOption("crop", name + " is a fraction and must lie in [0, 1], got " + value);
        }
        if (!fractional && value != Math.rint(value)) {
            throw new ClusterbyException.BadOption("crop", name + " is in pixels and must be a whole number, got " + value);
        }
    }

    /** A crop in pixels, left-top {@code (x0, y0)} to right-bottom {@code (x1, y1)}. */
    public static Crop pixels(int x0, int y0, int x1, int y1) {
        return new Crop(x0, y0, x1, y1, false);
    }

    /** A crop as fractions of the image's width and height, each in [0, 1]. */
    public static Crop fractions(double x0, double y0, double x1, double y1) {
        return new Crop(x0, y0, x1, y1, true);
    }

    /**
     * Parses {@code x0,y0,x1,y1}: four whole numbers are pixels; any number with a decimal point makes all four
     * fractions ({@code 0.25,0,0.75,1}).
     */
    public static Crop parse(String text) {
        String[] parts = text == null ? new String[0] : text.split(",", -1);
        if (parts.length != 4) {
            throw new ClusterbyException.BadOption("crop", "expected x0,y0,x1,y1, got '" + text + "'");
        }
        double[] v = new double[4];
        boolean fractional = false;
        for (int i = 0; i < 4; i++) {
            String part = parts[i].trim();
            fractional |= part.contains(".") || part.contains("e") || part.contains("E");
            try {
                v[i] = Double.parseDouble(part);
            } catch (NumberFormatException e) {
                throw new ClusterbyException.BadOption("crop", "'" + part + "' in '" + text + "' is not a number");
            }
        }
        return new Crop(v[0], v[1], v[2], v[3], fractional);
    }

    /** Pixel bounds on an image of that size, clamped to it: {x0, y0, x1, y1}. */
    public int[] toPixels(int width, int height) {
        if (!fractional) {
            return new int[]{(int) Math.min(x0, width), (int) Math.min(y0, height),
                    (int) Math.min(x1, width), (int) Math.min(y1, height)};
        }
        return new int[]{(int) Math.floor(x0 * width), (int) Math.floor(y0 * height),
                (int) Math.ceil(x1 * width), (int) Math.ceil(y1 * height)};
    }

    /** A stable text for cache keys, such as {@code crop:px:500,400,600,450} or {@code crop:fr:0.25,0,0.75,1}. */
    public String cacheKeyPart() {
        return "crop:" + (fractional ? "fr:" : "px:") + fmt(x0) + "," + fmt(y0) + "," + fmt(x1) + "," + fmt(y1);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public String toString() {
        return cacheKeyPart().substring("crop:".length());
    }
}
