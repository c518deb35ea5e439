package org.clr4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatasetSelectTest {

  @Test
  void selectCopiesTheChosenSamplesInOrder() {
    float[] features = {0, 1, 10, 11, 20, 21};
    Dataset d = new Dataset("d", "test:", features, new int[] {0, 1, 2}, new int[] {2}, 3);
    Dataset s = d.select(new int[] {2, 0, 2}, "d (some)");
    assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21}, s.features());
    assertArrayEquals(new int[] {2, 0, 2}, s.labels());
    assertEquals("d (some)", s.name());
    assertEquals("test:", s.source());
    s.features()[0] = -1;
    assertEquals(20, d.features()[4], "nothing shared");
    assertEquals("indices[1] (3) must be in [0, 3)",
        assertThrows(IllegalArgumentException.class, () -> d.select(new int[] {0, 3}, "x")).getMessage());
  }
}
