package org.clr4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Runs the README's example end to end: range test, 1cycle, EasyTrain.fit on a model clr4j does not ship. */
class OwnModelExampleTest {

  @Test
  void theResidualCnnTrainsWithRangeTestBoundsAndOneCycle() throws Exception {
    int epochs = 2;
    OwnModelExample.Outcome o = OwnModelExample.run(epochs, 42);
    double upper = o.rangeTest().suggestion().bounds().upper();
    assertTrue(upper > 1e-4 && upper < 10, "suggested upper bound " + upper);
    // 10,000 training samples in batches of 64: 157 steps an epoch, one recorded lr per step.
    assertEquals(157 * epochs, o.recorder().log().size());
    assertEquals(o.schedule().valueAt(0), o.recorder().log().lr(0), 0.0);
    assertEquals(o.schedule().valueAt(200), o.recorder().log().lr(200), 0.0);
    // 1cycle ends far below its peak.
    assertTrue(o.recorder().log().lr(157 * epochs - 1) < upper / 100);
    System.out.printf("residual cnn, %d epochs: bounds %s, test accuracy %.4f%n", epochs,
        o.rangeTest().suggestion().bounds(), o.accuracy());
    assertTrue(o.accuracy() > 0.82, "test accuracy " + o.accuracy());
  }
}
