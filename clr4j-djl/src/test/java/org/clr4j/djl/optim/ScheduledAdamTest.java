package org.clr4j.djl.optim;

import static org.clr4j.djl.optim.OptimTesting.SIZE;
import static org.clr4j.djl.optim.OptimTesting.assertClose;
import static org.clr4j.djl.optim.OptimTesting.randomFloats;
import static org.clr4j.djl.optim.OptimTesting.randomGrads;
import static org.clr4j.djl.optim.OptimTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Random;
import org.clr4j.schedule.Schedule;
import org.clr4j.schedule.Schedules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduledAdamTest {

  static final int STEPS = 20;
  static NDManager manager;

  /** 1cycle over the 20 steps: lr up then down, beta1 down then up (0.95 → 0.85 → 0.95). */
  static final Schedule ONECYCLE = Schedules.oneCycle().maxLr(0.05).totalSteps(STEPS).build();

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  static float[] w0() {
    return randomFloats(new Random(8), SIZE, 1.0);
  }

  @ParameterizedTest(name = "adamw={0} wd={1} clip={2}")
  @CsvSource({"false,0,0", "false,0.01,0", "false,0.01,0.5", "true,0,0", "true,0.05,0", "true,0.05,0.5"})
  void cyclingLrAndBeta1FollowPyTorchEquations(boolean adamw, double wd, double clip) {
    assertTrue(ONECYCLE.hasMomentum());
    float[][] grads = randomGrads(21, STEPS, 1.0);
    Optimizer opt =
        adamw
            ? ScheduledAdamW.builder()
                .schedule(ONECYCLE)
                .optWeightDecays((float) wd)
                .optClipGrad(clip > 0 ? (float) clip : -1f)
                .build()
            : ScheduledAdam.builder()
                .schedule(ONECYCLE)
                .optWeightDecays((float) wd)
                .optClipGrad(clip > 0 ? (float) clip : -1f)
                .build();
    Reference.Config c = new Reference.Config();
    c.weightDecay = wd;
    c.clip = clip;
    float[] w0 = w0();
    assertClose(Reference.adam(w0, grads, ONECYCLE, c, adamw), run(manager, opt, w0, grads), w0);
  }

  @Test
  void biasCorrectionUsesTheCurrentBeta1() {
    // with a fixed beta1 in the bias correction the result is measurably different: the reference is not vacuous
    float[][] grads = randomGrads(22, STEPS, 1.0);
    Reference.Config c = new Reference.Config();
    float[] w0 = w0();
    double[] cycled = Reference.adam(w0, grads, ONECYCLE, c, false);
    Schedule noMomentum = Schedules.oneCycle().maxLr(0.05).totalSteps(STEPS).noMomentum().build();
    double[] fixed = Reference.adam(w0, grads, noMomentum, c, false);
    double maxDiff = 0;
    for (int i = 0; i < SIZE; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(cycled[i] - fixed[i]));
    }
    assertTrue(maxDiff > 1e-3, "cycling beta1 should matter: " + maxDiff);
    assertClose(fixed, run(manager, ScheduledAdam.builder().schedule(noMomentum).build(), w0, grads), w0);
  }

  @ParameterizedTest(name = "wd={0}")
  @CsvSource({"0", "0.01"})
  void constantScheduleMatchesDjlAdam(float wd) {
    float[][] grads = randomGrads(23, STEPS, 1.0);
    float lr = 0.01f;
    Optimizer ours = ScheduledAdam.builder().schedule(Schedules.constant(lr)).optWeightDecays(wd).build();
    Optimizer djl =
        Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr)).optWeightDecays(wd).build();
    float[] w0 = w0();
    // DJL adds eps to sqrt(v) before bias correction ("epsilon hat"); at eps = 1e-8 that is far below 1e-5
    assertClose(run(manager, djl, w0, grads), run(manager, ours, w0, grads), w0);
  }

  @ParameterizedTest(name = "wd={0}")
  @CsvSource({"0", "0.05"})
  void constantScheduleMatchesDjlAdamW(float wd) {
    float[][] grads = randomGrads(24, STEPS, 1.0);
    float lr = 0.01f;
    Optimizer ours = ScheduledAdamW.builder().schedule(Schedules.constant(lr)).optWeightDecays(wd).build();
    Optimizer djl =
        Optimizer.adamW().optLearningRateTracker(Tracker.fixed(lr)).optWeightDecays(wd).build();
    float[] w0 = w0();
    assertClose(run(manager, djl, w0, grads), run(manager, ours, w0, grads), w0);
  }

  @Test
  void adamWDefaultsToPyTorchWeightDecay() {
    ScheduledAdamW adamw = ScheduledAdamW.builder().schedule(ONECYCLE).build();
    assertEquals(0.01f, adamw.weightDecay());
    ScheduledAdam adam = ScheduledAdam.builder().schedule(ONECYCLE).build();
    assertEquals(0f, adam.weightDecay());
    assertEquals(0.9, adam.beta1());
    assertEquals(0.999, adam.beta2());
    assertEquals(1e-8, adam.epsilon());
  }

  @Test
  void builderRejectsBadSettings() {
    assertThrows(IllegalStateException.class, () -> ScheduledAdam.builder().build());
    assertEquals(
        "beta2 (1) must be in [0, 1)",
        assertThrows(IllegalArgumentException.class, () -> ScheduledAdam.builder().beta2(1)).getMessage());
    assertEquals(
        "epsilon (0) must be finite and > 0",
        assertThrows(IllegalArgumentException.class, () -> ScheduledAdamW.builder().epsilon(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ScheduledAdamW.builder().beta1(-0.1));
  }
}
