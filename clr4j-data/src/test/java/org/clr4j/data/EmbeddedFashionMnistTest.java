package org.clr4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedFashionMnistTest {
  static TrainTest data;

  @BeforeAll
  static void load() {
    data = FashionMnist.embeddedSmall();
  }

  @Test
  void hasTenThousandTrainingAndTwoThousandTestImagesOf28x28() {
    assertEquals(10_000, data.train().size());
    assertEquals(2_000, data.test().size());
    assertArrayEquals(new int[] {1, 28, 28}, data.train().sampleShape());
    assertEquals(10, data.train().numClasses());
    assertEquals("fashion-mnist-small/train", data.train().name());
    assertTrue(data.train().source().startsWith("embedded:"), data.train().source());
  }

  @Test
  void isClassBalanced() {
    assertArrayEquals(filled(1000), counts(data.train().labels()));
    assertArrayEquals(filled(200), counts(data.test().labels()));
  }

  @Test
  void pixelsAreScaledToUnitIntervalAndNotAllEqual() {
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    double sum = 0;
    for (float v : data.train().features()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    assertEquals(0f, min);
    assertEquals(1f, max);
    double mean = sum / data.train().features().length;
    // Fashion-MNIST's mean pixel is about 0.286; a balanced subset must be close to it.
    assertTrue(mean > 0.25 && mean < 0.32, "mean pixel " + mean);
  }

  @Test
  void shipsTheFashionMnistLicence() throws Exception {
    try (InputStream in = FashionMnist.class.getClassLoader()
        .getResourceAsStream(FashionMnist.EMBEDDED_RESOURCE_DIR + "LICENSE")) {
      assertNotNull(in);
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(text.contains("2017 Zalando SE"), text);
      assertTrue(text.contains("Permission is hereby granted, free of charge"), text);
    }
  }

  private static int[] counts(int[] labels) {
    int[] c = new int[10];
    for (int y : labels) {
      c[y]++;
    }
    return c;
  }

  private static int[] filled(int v) {
    int[] a = new int[10];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
