package org.clr4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReferenceWeightDecaySearchTest {

  @Test
  void theHoldOutIsTheRequestButAtMostASixthOfTheTrainingSet() {
    assertEquals(10_000, ReferenceWeightDecaySearch.heldOut(60_000, 10_000));
    assertEquals(1_666, ReferenceWeightDecaySearch.heldOut(10_000, 10_000));
    assertEquals(1, ReferenceWeightDecaySearch.heldOut(3, 10_000), "never none");
    assertEquals(391, ReferenceWeightDecaySearch.trialStepsPerEpoch(60_000, 10_000, 128), "50,000 samples");
    assertEquals("heldOut (0) must be >= 1", assertThrows(IllegalArgumentException.class,
        () -> ReferenceWeightDecaySearch.heldOut(100, 0)).getMessage());
  }
}
