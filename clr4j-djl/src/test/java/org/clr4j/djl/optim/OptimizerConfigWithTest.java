package org.clr4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OptimizerConfigWithTest {

  @Test
  void withWeightDecayChangesOnlyTheWeightDecayAndChecksIt() {
    OptimizerConfig c = new OptimizerConfig(OptimizerKind.NESTEROV, 0.8, 5e-4, 2, UpdatePath.FUSED);
    assertEquals(new OptimizerConfig(OptimizerKind.NESTEROV, 0.8, 1e-4, 2, UpdatePath.FUSED), c.withWeightDecay(1e-4));
    assertEquals("weightDecay (-1) must be finite and >= 0",
        assertThrows(IllegalArgumentException.class, () -> c.withWeightDecay(-1)).getMessage());
  }
}
