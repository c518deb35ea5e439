package org.clr4j.djl.optim;

import static org.clr4j.djl.optim.OptimTesting.SHAPE;
import static org.clr4j.djl.optim.OptimTesting.SIZE;
import static org.clr4j.djl.optim.OptimTesting.assertClose;
import static org.clr4j.djl.optim.OptimTesting.randomFloats;
import static org.clr4j.djl.optim.OptimTesting.randomGrads;
import static org.clr4j.djl.optim.OptimTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Random;
import org.clr4j.djl.ScheduleTracker;
import org.clr4j.schedule.CyclicPolicy;
import org.clr4j.schedule.Schedule;
import org.clr4j.schedule.Schedules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduledSgdTest {

  static final int STEPS = 20;
  static NDManager manager;

  static final Schedule CYCLIC_WITH_MOMENTUM =
      Schedules.cyclic(CyclicPolicy.TRIANGULAR).baseLr(0.01).maxLr(0.1).stepSizeUp(4).momentum(0.8, 0.95).build();
  static final Schedule CYCLIC = Schedules.cyclic(CyclicPolicy.TRIANGULAR).baseLr(0.01).maxLr(0.1).stepSizeUp(4).build();

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  static float[] w0() {
    return randomFloats(new Random(7), SIZE, 1.0);
  }

  @ParameterizedTest(name = "nesterov={0} wd={1} clip={2}")
  @CsvSource({"false,0,0", "true,0,0", "false,0.01,0", "true,0.01,0.5", "false,0,0.5"})
  void cyclingLrAndMomentumFollowPyTorchEquations(boolean nesterov, double wd, double clip) {
    assertTrue(CYCLIC_WITH_MOMENTUM.hasMomentum());
    float[][] grads = randomGrads(11, STEPS, 1.0);
    ScheduledSgd sgd =
        ScheduledSgd.builder()
            .schedule(CYCLIC_WITH_MOMENTUM)
            .momentum(0.9)
            .nesterov(nesterov)
            .optWeightDecays((float) wd)
            .optClipGrad(clip > 0 ? (float) clip : -1f)
            .build();
    Reference.Config c = new Reference.Config();
    c.momentum = 0.9;
    c.nesterov = nesterov;
    c.weightDecay = wd;
    c.clip = clip;
    float[] w0 = w0();
    assertClose(Reference.sgd(w0, grads, CYCLIC_WITH_MOMENTUM, c), run(manager, sgd, w0, grads), w0);
    assertEquals(STEPS, sgd.updates());
    assertEquals(STEPS, sgd.nextStep());
  }

  @Test
  void plainSgdFollowsCyclingLr() {
    float[][] grads = randomGrads(12, STEPS, 1.0);
    ScheduledSgd sgd = ScheduledSgd.builder().schedule(CYCLIC).optWeightDecays(0.01f).build();
    Reference.Config c = new Reference.Config();
    c.weightDecay = 0.01;
    float[] w0 = w0();
    assertClose(Reference.sgd(w0, grads, CYCLIC, c), run(manager, sgd, w0, grads), w0);
  }

  @Test
  void clippingIsSymmetric() {
    // all-negative gradients: a one-sided clamp_max would leave them unclipped
    float[][] grads = new float[3][SIZE];
    for (float[] g : grads) {
      java.util.Arrays.fill(g, -4f);
    }
    ScheduledSgd sgd = ScheduledSgd.builder().schedule(Schedules.constant(0.1)).optClipGrad(0.5f).build();
    float[] w0 = new float[SIZE];
    float[] w = run(manager, sgd, w0, grads);
    for (float x : w) {
      assertEquals(3 * 0.1 * 0.5, x, 1e-6);
    }
  }

  @Test
  void rescaleGradMultipliesBeforeClipping() {
    float[][] grads = new float[][] {filled(2f), filled(-8f)};
    ScheduledSgd sgd =
        ScheduledSgd.builder().schedule(Schedules.constant(0.1)).setRescaleGrad(0.25f).optClipGrad(1f).build();
    float[] w = run(manager, sgd, new float[SIZE], grads);
    // 0.25·2 = 0.5 (unclipped), 0.25·-8 = -2 → -1
    for (float x : w) {
      assertEquals(-0.1 * 0.5 + 0.1 * 1, x, 1e-6);
    }
  }

  @ParameterizedTest(name = "momentum={0} wd={1}")
  @CsvSource({"0,0", "0,0.001", "0.9,0", "0.9,0.001"})
  void constantScheduleMatchesDjlSgd(float momentum, float wd) {
    float[][] grads = randomGrads(13, STEPS, 1.0);
    float lr = 0.05f;
    ScheduledSgd ours =
        ScheduledSgd.builder()
            .schedule(Schedules.constant(lr))
            .momentum(momentum)
            .optWeightDecays(wd)
            .build();
    Optimizer djl =
        Optimizer.sgd()
            .setLearningRateTracker(Tracker.fixed(lr))
            .optMomentum(momentum)
            .optWeightDecays(wd)
            .build();
    float[] w0 = w0();
    assertClose(run(manager, djl, w0, grads), run(manager, ours, w0, grads), w0);
  }

  /** Why this class exists: DJL's Sgd keeps lr inside its velocity, so a changing lr rescales nothing behind. */
  @Test
  void djlSgdWithCyclingLrDepartsFromPyTorchButOursDoesNot() {
    float[][] grads = randomGrads(14, STEPS, 1.0);
    Reference.Config c = new Reference.Config();
    c.momentum = 0.9;
    float[] w0 = w0();
    double[] expected = Reference.sgd(w0, grads, CYCLIC, c);
    Optimizer djl =
        Optimizer.sgd().setLearningRateTracker(new ScheduleTracker(CYCLIC)).optMomentum(0.9f).build();
    float[] djlW = run(manager, djl, w0, grads);
    double maxDiff = 0;
    for (int i = 0; i < SIZE; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(djlW[i] - expected[i]));
    }
    assertTrue(maxDiff > 1e-3, "DJL's velocity formulation should differ under a cycling lr: " + maxDiff);
    ScheduledSgd ours = ScheduledSgd.builder().schedule(CYCLIC).momentum(0.9).build();
    assertClose(expected, run(manager, ours, w0, grads), w0);
  }

  @Test
  void stepOffsetStartsPartWayThroughTheSchedule() {
    float[][] grads = randomGrads(15, 6, 1.0);
    ScheduledSgd sgd = ScheduledSgd.builder().schedule(CYCLIC_WITH_MOMENTUM).momentum(0.9).optStepOffset(5).build();
    Reference.Config c = new Reference.Config();
    c.momentum = 0.9;
    float[] w0 = w0();
    assertClose(Reference.sgd(w0, grads, shifted(CYCLIC_WITH_MOMENTUM, 5), c), run(manager, sgd, w0, grads), w0);
    assertEquals(11, sgd.nextStep());
  }

  @Test
  void zeroesTheWeightGradientAndWorksWhileRecording() {
    float[] w0 = w0();
    float[] c = randomFloats(new Random(3), SIZE, 1.0);
    ScheduledSgd sgd = ScheduledSgd.builder().schedule(Schedules.constant(0.1)).momentum(0.9).build();
    try (NDManager sub = manager.newSubManager()) {
      NDArray w = sub.create(w0, SHAPE);
      w.setRequiresGradient(true);
      NDArray k = sub.create(c, SHAPE);
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        collector.backward(w.mul(k).sum());
        NDArray grad = w.getGradient().duplicate();
        assertArrayEquals(c, grad.toFloatArray());
        sgd.update("w", w, grad); // autograd is recording here: in-place updates of a leaf must still work
      }
      assertArrayEquals(new float[SIZE], w.getGradient().toFloatArray());
      float[] w1 = w.toFloatArray();
      for (int i = 0; i < SIZE; i++) {
        assertEquals(w0[i] - 0.1f * c[i], w1[i], 1e-6);
      }
    }
  }

  @Test
  void momentumCyclingWithoutMomentumIsAClearError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScheduledSgd.builder().schedule(CYCLIC_WITH_MOMENTUM).build());
    assertTrue(e.getMessage().contains("cycles momentum, but sgd has no momentum (momentum=0)"), e.getMessage());
    assertTrue(e.getMessage().contains(CYCLIC_WITH_MOMENTUM.toString()), e.getMessage());
  }

  @Test
  void builderRejectsBadSettings() {
    assertThrows(IllegalStateException.class, () -> ScheduledSgd.builder().momentum(0.9).build());
    IllegalArgumentException nesterov =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScheduledSgd.builder().schedule(CYCLIC).nesterov(true).build());
    assertTrue(nesterov.getMessage().contains("nesterov"), nesterov.getMessage());
    IllegalArgumentException momentum =
        assertThrows(IllegalArgumentException.class, () -> ScheduledSgd.builder().momentum(1.0));
    assertEquals("momentum (1) must be in [0, 1)", momentum.getMessage());
    IllegalArgumentException clip =
        assertThrows(
            IllegalArgumentException.class, () -> ScheduledSgd.builder().schedule(CYCLIC).optClipGrad(0f).build());
    assertTrue(clip.getMessage().startsWith("clipGrad (0)"), clip.getMessage());
    IllegalArgumentException wd =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScheduledSgd.builder().schedule(CYCLIC).optWeightDecays(-1f).build());
    assertTrue(wd.getMessage().startsWith("weightDecay (-1)"), wd.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ScheduledSgd.builder().optStepOffset(-1));
  }

  static float[] filled(float v) {
    float[] a = new float[SIZE];
    java.util.Arrays.fill(a, v);
    return a;
  }

  static Schedule shifted(Schedule s, long offset) {
    return new Schedule() {
      @Override
      public double valueAt(long step) {
        return s.valueAt(step + offset);
      }

      @Override
      public double momentumAt(long step) {
        return s.momentumAt(step + offset);
      }

      @Override
      public boolean hasMomentum() {
        return s.hasMomentum();
      }

      @Override
      public String toString() {
        return "shifted";
      }
    };
  }
}
