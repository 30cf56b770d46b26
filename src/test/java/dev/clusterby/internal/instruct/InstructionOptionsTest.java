package dev.clusterby.internal.instruct;

import dev.clusterby.ClusterSpec;
import dev.clusterby.ClusterbyException;
import dev.clusterby.Crop;
import dev.clusterby.InstructMethod;
import dev.clusterby.Instruction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The Instruction and Crop values, their checks, cache keys, and the CLI options. */
class InstructionOptionsTest {
    @TempDir
    Path dir;

    private static String message(Runnable action) {
        return assertThrows(ClusterbyException.class, action::run).getMessage();
    }

    @Test
    void defaultsFollowWhatIsGiven() {
        assertEquals(Optional.of(InstructMethod.DISCOVER), Instruction.text("group by colour").effectiveMethod());
        assertEquals(Optional.of(InstructMethod.SUBSPACE), Instruction.template("a {} heart", "red", "blue").effectiveMethod());
        assertEquals(Optional.of(InstructMethod.MASK), Instruction.text("x").withMethod("mask").effectiveMethod());
        assertEquals(Optional.empty(), Instruction.crop(new int[]{500, 400}, new int[]{600, 450}).effectiveMethod());
        Instruction all = Instruction.text("group images by their background").withTemplate("photo with a {} background")
                .withValues("sunny", "indoor").withCrop(new double[]{0, 0.5}, new double[]{1, 1}).withTopK(20);
        assertEquals(List.of("photo with a sunny background", "photo with a indoor background"), all.prompts());
        assertEquals(20, all.topK());
        assertEquals(Crop.fractions(0, 0.5, 1, 1), all.crop());
        assertEquals("photo with a background", Instruction.template("photo with a {} background", "a", "b").instructionText());
    }

    @Test
    void badPartsAreErrorsNamingTheOption() {
        assertTrue(message(() -> Instruction.template("a heart", "red", "blue")).contains("'template'"));
        assertTrue(message(() -> Instruction.template("a heart", "red", "blue")).contains("a heart"));
        String unknown = message(() -> Instruction.text("x").withMethod("gradient"));
        assertTrue(unknown.contains("gradient") && unknown.contains("mask, subspace, discover"), unknown);
        assertTrue(message(() -> Instruction.text("x").withTopK(0)).contains("'top-k'"));
        assertTrue(message(() -> Instruction.text("x").withValues("a", "b").effectiveMethod()).contains("'values'"));
        assertTrue(message(() -> ClusterSpec.defaults().withInstruction(Instruction.text("x").withValues("a", "b"))).contains("template"));
        assertTrue(message(() -> Instruction.text("x").withMethod(InstructMethod.SUBSPACE).effectiveMethod()).contains("subspace needs"));
        assertTrue(message(() -> Instruction.template("a {}", "red", "Red")).contains("twice"));
        assertTrue(message(() -> Instruction.text("x").withMaskSimilarity("euclid")).contains("dot, cosine"));
        assertTrue(message(() -> Instruction.text("  ")).contains("blank"));
    }

    @Test
    void cropsParseValidateAndKeyTheCache() {
        assertEquals(Crop.pixels(500, 400, 600, 450), Crop.parse("500,400,600,450"));
        assertEquals(Crop.fractions(0.25, 0, 0.75, 1), Crop.parse("0.25,0,0.75,1"));
        assertArrayEquals(new int[]{25, 0, 75, 50}, Crop.parse("0.25,0,0.75,1").toPixels(100, 50));
        assertTrue(message(() -> Crop.parse("1,2,3")).contains("x0,y0,x1,y1"));
        assertTrue(message(() -> Crop.fractions(0, 0, 1.5, 1)).contains("[0, 1]"));
        assertTrue(message(() -> Crop.pixels(10, 10, 5, 20)).contains("right-bottom"));
        assertEquals("crop:px:500,400,600,450", Crop.pixels(500, 400, 600, 450).cacheKeyPart());
        assertEquals("crop:fr:0.25,0,0.75,1", Crop.fractions(0.25, 0, 0.75, 1).cacheKeyPart());
        Instruction base = Instruction.text("group by background");
        String plain = base.cacheKeyPart();
        String cropped = base.withCrop(Crop.pixels(0, 0, 10, 10)).cacheKeyPart();
        assertNotEquals(plain, cropped);
        assertTrue(cropped.contains("crop:px:0,0,10,10"));
        assertNotEquals(cropped, base.withCrop(Crop.pixels(0, 0, 10, 11)).cacheKeyPart());
        assertEquals(cropped, Instruction.text("group by background").withCrop(Crop.parse("0,0,10,10")).cacheKeyPart());
        // Length prefixes: moving text between parts changes the key.
        assertNotEquals(Instruction.text("a").withTemplate("b {}").cacheKeyPart(), Instruction.text("a|template=b").withTemplate("{}").cacheKeyPart());
    }
}
