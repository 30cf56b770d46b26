package dev.clusterby.internal.embed;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.nio.FloatBuffer;

/** Resizing, cropping and normalising decoded images into model inputs. Stateless; safe from any thread. */
final class ImagePreprocess {
    private ImagePreprocess() {}

    enum Resample {
        BICUBIC(RenderingHints.VALUE_INTERPOLATION_BICUBIC), BILINEAR(RenderingHints.VALUE_INTERPOLATION_BILINEAR);

        final Object hint;

        Resample(Object hint) {
            this.hint = hint;
        }
    }

    /** The image as packed RGB; transparent pixels are composited onto white. */
    static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) return image;
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(image, 0, 0, Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    /** Scales to exactly width×height. Large reductions go by halves first: one bicubic step from far away aliases. */
    static BufferedImage resize(BufferedImage rgb, int width, int height, Resample resample) {
        BufferedImage current = rgb;
        while (current.getWidth() >= 2 * width && current.getHeight() >= 2 * height) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        if (current.getWidth() == width && current.getHeight() == height) return current;
        return draw(current, width, height, resample.hint);
    }

    private static BufferedImage draw(BufferedImage source, int width, int height, Object hint) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, hint);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** CLIP's preprocessing geometry: the shorter side scaled to size, then the centre size×size square. */
    static BufferedImage shorterSideThenCentre(BufferedImage image, int size, Resample resample) {
        BufferedImage rgb = toRgb(image);
        int w = rgb.getWidth(), h = rgb.getHeight();
        double scale = (double) size / Math.min(w, h);
        int sw = Math.max(size, (int) Math.round(w * scale)), sh = Math.max(size, (int) Math.round(h * scale));
        BufferedImage scaled = resize(rgb, sw, sh, resample);
        int x = (sw - size) / 2, y = (sh - size) / 2;
        return x == 0 && y == 0 && sw == size && sh == size ? scaled : copy(scaled.getSubimage(x, y, size, size));
    }

    private static BufferedImage copy(BufferedImage view) {
        BufferedImage out = new BufferedImage(view.getWidth(), view.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(view, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Writes a size×size RGB image as planes R, G, B of (v/255 − mean)/std at {@code offset} floats into {@code out}. */
    static void writeChw(BufferedImage square, float[] mean, float[] std, FloatBuffer out, int offset) {
        int w = square.getWidth(), h = square.getHeight();
        int plane = w * h;
        int[] pixels = packedRgb(square);
        float[] scale = {1f / (255f * std[0]), 1f / (255f * std[1]), 1f / (255f * std[2])};
        float[] shift = {mean[0] / std[0], mean[1] / std[1], mean[2] / std[2]};
        for (int i = 0; i < plane; i++) {
            int p = pixels[i];
            out.put(offset + i, ((p >> 16) & 0xff) * scale[0] - shift[0]);
            out.put(offset + plane + i, ((p >> 8) & 0xff) * scale[1] - shift[1]);
            out.put(offset + 2 * plane + i, (p & 0xff) * scale[2] - shift[2]);
        }
    }

    /** The pixels of a TYPE_INT_RGB image, row-major, without a copy when possible. */
    static int[] packedRgb(BufferedImage rgb) {
        if (rgb.getType() == BufferedImage.TYPE_INT_RGB && rgb.getRaster().getDataBuffer() instanceof DataBufferInt data
                && rgb.getRaster().getParent() == null && data.getData().length == rgb.getWidth() * rgb.getHeight()) {
            return data.getData();
        }
        return rgb.getRGB(0, 0, rgb.getWidth(), rgb.getHeight(), null, 0, rgb.getWidth());
    }

    /** 8-bit grey pixels without conversion when the image already is grey; else null. */
    static byte[] greyBytes(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY && image.getRaster().getParent() == null
                && image.getRaster().getDataBuffer() instanceof DataBufferByte data
                && data.getData().length == image.getWidth() * image.getHeight()) {
            return data.getData();
        }
        return null;
    }
}
