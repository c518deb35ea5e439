package org.clr4j.djl.optim;

import static org.clr4j.djl.optim.OptimTesting.SHAPE;
import static org.clr4j.djl.optim.OptimTesting.SIZE;
import static org.clr4j.djl.optim.OptimTesting.bitsOf;
import static org.clr4j.djl.optim.OptimTesting.randomFloats;
import static org.clr4j.djl.optim.OptimTesting.randomGrads;
import static org.clr4j.djl.optim.OptimTesting.run;
import static org.clr4j.djl.optim.OptimTesting.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link UpdatePath#FUSED}: DJL's fused SGD kernel on {@code v = lr·buf} against the reference path and against a
 * float64 evaluation of PyTorch's equations, over long 1cycle schedules with cycled momentum and weight decay.
 */
class FusedSgdTest {
  static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  private static ScheduledSgd sgd(Schedule schedule, double wd, UpdatePath path) {
    return ScheduledSgd.builder().schedule(schedule).momentum(0.9).optWeightDecays((float) wd)
        .optUpdatePath(path).build();
  }

  /**
   * 1,200 steps of 1cycle (momentum 0.95 → 0.85 → 0.95, the rate from max/25 up to 0.1 and down to max/2.5e5):
   * the fused weights stay within float32 rounding of the reference path's and of float64 PyTorch. Gradients are
   * fixed per step (independent of the weights), so the two paths' rounding differences are not amplified by the
   * dynamics of a model; weight decay couples each step to the weights, as in training.
   */
  @ParameterizedTest(name = "wd={0} grad scale={1}")
  @CsvSource({"5e-4,1", "0.01,0.1", "0,1"})
  void fusedMatchesTheReferencePathOverALongOneCycle(double wd, double scale) {
    int steps = 1200;
    Schedule schedule = Schedule.parse("onecycle(max=0.1, total=" + steps + ")");
    float[][] grads = randomGrads(21, steps, scale);
    float[] w0 = randomFloats(new Random(5), SIZE, 1.0);
    float[] reference = run(manager, sgd(schedule, wd, UpdatePath.REFERENCE), w0, grads);
    float[] fused = run(manager, sgd(schedule, wd, UpdatePath.FUSED), w0, grads);
    Reference.Config c = new Reference.Config();
    c.momentum = 0.9;
    c.weightDecay = wd;
    double[] exact = Reference.sgd(w0, grads, schedule, c);
    double worstFused = 0;
    double worstReference = 0;
    double moved = 0;
    for (int i = 0; i < SIZE; i++) {
      double tol = 1e-5 * (1 + Math.abs(exact[i]));
      worstFused = Math.max(worstFused, Math.abs(fused[i] - exact[i]) / tol);
      worstReference = Math.max(worstReference, Math.abs(reference[i] - exact[i]) / tol);
      moved = Math.max(moved, Math.abs(exact[i] - w0[i]));
      assertEquals(reference[i], fused[i], tol, "element " + i + " against the reference path");
    }
    assertTrue(worstFused <= 1, "fused within 1e-5 of float64: worst " + worstFused + " of the bound");
    assertTrue(worstReference <= 1, "reference within 1e-5 of float64: worst " + worstReference);
    assertTrue(moved > 0.05, "the weights moved " + moved);
    assertTrue(!Arrays.equals(reference, fused), "two paths, not one: their rounding differs somewhere");
  }

  /** Rate 0 (a warm-up from 0, a cosine to 0) must keep the momentum buffer; momentum 0 must still fill it. */
  @Test
  void zeroRatesAndZeroMomentumKeepTheBuffer() {
    Schedule schedule = Schedule.parse(
        "sequence(first=warmup(steps=3, then=triangular(base=0.01, max=0.1, up=5, momentum=0:0.9)), at=40,"
            + " then=cosine(lr=0.05, total=10))");
    int steps = 60;
    float[][] grads = randomGrads(3, steps, 1.0);
    float[] w0 = randomFloats(new Random(9), SIZE, 1.0);
    float[] fused = run(manager, sgd(schedule, 1e-3, UpdatePath.FUSED), w0, grads);
    Reference.Config c = new Reference.Config();
    c.momentum = 0.9;
    c.weightDecay = 1e-3;
    OptimTesting.assertClose(Reference.sgd(w0, grads, schedule, c), fused, w0);
  }

  /** Snapshot, more steps, restore, the same steps: the same bits; also through save and load. */
  @Test
  void snapshotAndRestoreAreExactOnTheFusedPath() throws IOException {
    Schedule schedule = Schedule.parse("onecycle(max=0.1, total=100)");
    float[][] grads = randomGrads(8, 60, 1.0);
    ScheduledSgd sgd = sgd(schedule, 5e-4, UpdatePath.FUSED);
    try (NDArray w = manager.create(randomFloats(new Random(1), SIZE, 1.0), SHAPE)) {
      step(manager, sgd, w, Arrays.copyOfRange(grads, 0, 30));
      float[] w30 = w.toFloatArray();
      byte[] saved;
      try (OptimizerState s = sgd.snapshot()) {
        assertEquals("sgd-fused", s.kind());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.save(new DataOutputStream(bytes));
        saved = bytes.toByteArray();
        step(manager, sgd, w, Arrays.copyOfRange(grads, 30, 60));
        int[] first = bitsOf(w);
        w.set(w30);
        sgd.restore(s);
        step(manager, sgd, w, Arrays.copyOfRange(grads, 30, 60));
        assertArrayEquals(first, bitsOf(w));

        ScheduledSgd fresh = sgd(schedule, 5e-4, UpdatePath.FUSED);
        w.set(w30);
        try (OptimizerState loaded = OptimizerState.load(new DataInputStream(new ByteArrayInputStream(saved)),
            manager)) {
          fresh.restore(loaded);
        }
        step(manager, fresh, w, Arrays.copyOfRange(grads, 30, 60));
        assertArrayEquals(first, bitsOf(w));
      }
    }
  }

  @Test
  void statesOfOnePathDoNotRestoreIntoTheOther() {
    Schedule schedule = Schedule.parse("onecycle(max=0.1, total=100)");
    ScheduledSgd fused = sgd(schedule, 0, UpdatePath.FUSED);
    ScheduledSgd reference = sgd(schedule, 0, UpdatePath.REFERENCE);
    run(manager, fused, new float[SIZE], randomGrads(2, 3, 1.0));
    try (OptimizerState s = fused.snapshot()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reference.restore(s));
      assertEquals("state kind (sgd-fused) must match this optimizer's kind (sgd)", e.getMessage());
    }
  }

  @Test
  void nesterovIsRefusedOnTheFusedPath() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScheduledSgd.builder().schedule("constant(lr=0.1)").momentum(0.9).nesterov(true)
            .optUpdatePath(UpdatePath.FUSED).build());
    assertTrue(e.getMessage().startsWith("update path (FUSED) does not support nesterov (true)"), e.getMessage());
    assertEquals(UpdatePath.REFERENCE,
        ScheduledSgd.builder().schedule("constant(lr=0.1)").optUpdatePath(UpdatePath.FUSED).build().updatePath(),
        "without momentum there is nothing to fuse");
  }
}
