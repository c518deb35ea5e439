package org.clr4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StandardizerTest {
  private static Dataset data(float... x) {
    int n = x.length / 2;
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
    }
    return new Dataset("d", "test", x, y, new int[] {2}, 2);
  }

  @Test
  void fitsMeanAndPopulationStdPerFeature() {
    Standardizer s = Standardizer.fit(data(1, 10, 3, 10, 5, 10));
    assertArrayEquals(new double[] {3, 10}, s.mean(), 1e-12);
    assertArrayEquals(new double[] {Math.sqrt(8.0 / 3), 1}, s.std(), 1e-12);
  }

  @Test
  void largeOffsetsDoNotLoseTheSpread() {
    Standardizer s = Standardizer.fit(data(1e6f, 0, 1e6f + 2, 0));
    assertEquals(1, s.std()[0], 1e-6);
  }

  @Test
  void applyKeepsLabelsAndRejectsOtherWidths() {
    Dataset d = data(1, 2, 3, 4);
    Dataset out = Standardizer.fit(d).apply(d);
    assertArrayEquals(new float[] {-1, -1, 1, 1}, out.features());
    assertArrayEquals(d.labels(), out.labels());
    Dataset wide = new Dataset("w", "t", new float[3], new int[] {0}, new int[] {3}, 2);
    assertThrows(IllegalArgumentException.class, () -> Standardizer.fit(d).apply(wide));
  }
}
