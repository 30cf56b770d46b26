package dev.clusterby;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A box cut out of every image before it is embedded, given by its left-top and right-bottom corners (the right and
 * bottom edges are exclusive, as in PIL's {@code crop}). When every coordinate is at most 1 they are fractions of the
 * width and height ({@code (0, 0.5)-(1, 1)} is the lower half); otherwise they are pixels. The crop is part of
 * the embedding cache key.
 */
public record Crop(double left, double top, double right, double bottom) {

    public Crop {
        for (double v : new double[] {left, top, right, bottom}) {
            if (!Double.isFinite(v) || v < 0) {
                throw new ClusterbyException.BadOption("crop", "coordinates must be finite and ≥ 0, got " + describe(left, top, right, bottom));
            }
        }
        if (right <= left || bottom <= top) {
            throw new ClusterbyException.BadOption("crop", "the right-bottom corner must lie right of and below the left-top one, got "
                    + describe(left, top, right, bottom));
        }
        boolean fractions = right <= 1 && bottom <= 1;
        if (!fractions && (left != Math.rint(left) || top != Math.rint(top) || right != Math.rint(right) || bottom != Math.rint(bottom))) {
            throw new ClusterbyException.BadOption("crop", describe(left, top, right, bottom)
                    + " mixes fractions and pixels; give all four as fractions (≤ 1) or as whole pixels");
        }
    }

    /** Meerkat's spelling: {@code lt} and {@code rb} as {x, y} pairs. */
    public static Crop of(double[] lt, double[] rb) {
        if (lt == null || rb == null || lt.length != 2 || rb.length != 2) {
            throw new ClusterbyException.BadOption("crop", "lt and rb must each be an {x, y} pair");
        }
        return new Crop(lt[0], lt[1], rb[0], rb[1]);
    }

    /** Parses {@code "left,top,right,bottom"}, as the CLI's {@code --crop} takes it. */
    public static Crop parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 4) throw new ClusterbyException.BadOption("crop", "expected LEFT,TOP,RIGHT,BOTTOM, got '" + text + "'");
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new ClusterbyException.BadOption("crop", "'" + parts[i].trim() + "' in '" + text + "' is not a number");
            }
        }
        return new Crop(v[0], v[1], v[2], v[3]);
    }

    public boolean fractional() {
        return right <= 1 && bottom <= 1;
    }

    /** The crop of one image; {@code where} names the image (row and path) in the error for a box outside it. */
    public BufferedImage apply(BufferedImage image, String where) {
        int w = image.getWidth(), h = image.getHeight();
        int x0, y0, x1, y1;
        if (fractional()) {
            x0 = (int) Math.round(left * w);
            y0 = (int) Math.round(top * h);
            x1 = Math.max(x0 + 1, (int) Math.round(right * w));
            y1 = Math.max(y0 + 1, (int) Math.round(bottom * h));
        } else {
            x0 = (int) left;
            y0 = (int) top;
            x1 = (int) right;
            y1 = (int) bottom;
        }
        if (x1 > w || y1 > h) {
            throw new ClusterbyException.BadOption("crop", "box " + this + " lies outside " + where + ", which is " + w + "x" + h + " pixels");
        }
        return image.getSubimage(x0, y0, x1 - x0, y1 - y0);
    }

    /** The crop's part of a cache key. */
    String key() {
        return "crop" + describe(left, top, right, bottom);
    }

    @Override
    public String toString() {
        return describe(left, top, right, bottom) + (fractional() ? " (fractions)" : " (pixels)");
    }

    private static String describe(double l, double t, double r, double b) {
        return String.format(Locale.ROOT, "(%s,%s)-(%s,%s)", num(l), num(t), num(r), num(b));
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
