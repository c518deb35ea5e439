package org.clr4j.schedule;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The expected vectors of PyTorch's own scheduler tests, restated as data: pytorch/pytorch {@code test/test_optim.py}
 * (1.13 era, commit 005941ebcd15da658ae14bf349b5457517ff9318), class {@code TestLRScheduler}: the
 * {@code test_cycle_lr_*} and {@code test_onecycle_lr_*} cases, plus {@code test_chained_lr1} (StepLR),
 * {@code test_sequentiallr1} and {@code test_exp_lr} (ExponentialLR), {@code test_cos_anneal_lr} and
 * {@code test_CosineAnnealingWarmRestarts_lr1}.
 * PyTorch's helper {@code _test_cycle_lr} reads the optimizer before each {@code scheduler.step()}, so entry {@code i}
 * is clr4j's step {@code i}.
 *
 * <p>PyTorch's cases cycle "momentum" between values such as 1 and 22, outside clr4j's {@code [0, 1)}. Momentum is
 * affine in its two bounds with no constant term, so those cases here use the bounds scaled by {@code s} (0.1 or 0.01)
 * and expect PyTorch's momentum vector scaled by {@code s}.
 */
class PyTorchLiteralVectorsTest {
  private static final double TOL = 1e-12;

  private static void assertSeries(Schedule s, double[] lr, double[] momentum, double momentumScale) {
    for (int i = 0; i < lr.length; i++) {
      near(s + " lr at step " + i, lr[i], s.valueAt(i));
    }
    if (momentum == null) {
      assertFalse(s.hasMomentum(), s + " should not set momentum");
      for (int i = 0; i < lr.length; i++) {
        assertTrue(Double.isNaN(s.momentumAt(i)), s + " momentum at step " + i);
      }
      return;
    }
    assertTrue(s.hasMomentum(), s + " should set momentum");
    for (int i = 0; i < momentum.length; i++) {
      near(s + " momentum at step " + i, momentum[i] * momentumScale, s.momentumAt(i));
    }
  }

  private static void near(String what, double expected, double actual) {
    if (!(Math.abs(actual - expected) <= TOL * Math.max(Math.abs(expected), 1e-3))) {
      fail(what + ": expected " + expected + " but was " + actual);
    }
  }

  private static double[] plus(double[] v, double delta) {
    return Arrays.stream(v).map(x -> x + delta).toArray();
  }

  private static Schedule cyclic(CyclicPolicy policy, double base, double max, long up, long down, double gamma,
      double momentumScale) {
    CyclicScheduleBuilder b = Schedules.cyclic(policy).baseLr(base).maxLr(max).stepSizeUp(up).stepSizeDown(down);
    if (policy == CyclicPolicy.EXP_RANGE) {
      b.gamma(gamma);
    }
    if (momentumScale > 0) { // PyTorch's cases use base_momentum=base_lr, max_momentum=max_lr
      b.momentum(base * momentumScale, max * momentumScale);
    }
    return b.build();
  }

  // ---- CyclicLR

  private static final double[] TRIANGULAR_LR = {1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3};
  private static final double[] TRIANGULAR_MOMENTUM = {5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3};
  private static final double[] TRIANGULAR2_LR = {1, 2, 3, 4, 5, 4, 3, 2, 1, 1.5, 2.0, 2.5, 3.0, 2.5, 2.0, 1.5,
      1, 1.25, 1.50, 1.75, 2.00, 1.75};
  private static final double[] TRIANGULAR2_MOMENTUM = {5.0, 4.0, 3.0, 2.0, 1.0, 2.0, 3.0, 4.0, 5.0, 4.5, 4.0,
      3.5, 3.0, 3.5, 4.0, 4.5, 5.0, 4.75, 4.5, 4.25, 4.0, 4.25};
  private static final double[] EXP_RANGE_XS = {0, 0.25, 0.5, 0.75, 1, 0.75, 0.50, 0.25, 0, 0.25, 0.5, 0.75, 1};

  /** test_cycle_lr_triangular_mode_one_lr, and the first group of test_cycle_lr_triangular_mode. */
  @Test
  void triangularModeOneLr() {
    assertSeries(cyclic(CyclicPolicy.TRIANGULAR, 1, 5, 4, 4, 1, 0.1), TRIANGULAR_LR, TRIANGULAR_MOMENTUM, 0.1);
  }

  /** test_cycle_lr_triangular_mode_one_lr_no_momentum (PyTorch leaves the optimizer's momentum alone). */
  @Test
  void triangularModeOneLrNoMomentum() {
    assertSeries(cyclic(CyclicPolicy.TRIANGULAR, 1, 5, 4, 4, 1, 0), TRIANGULAR_LR, null, 0);
  }

  /** test_cycle_lr_triangular_mode, second group (base 2, max 6). */
  @Test
  void triangularModeSecondGroup() {
    assertSeries(cyclic(CyclicPolicy.TRIANGULAR, 2, 6, 4, 4, 1, 0.1), plus(TRIANGULAR_LR, 1),
        plus(TRIANGULAR_MOMENTUM, 1), 0.1);
  }

  /** test_cycle_lr_triangular2_mode_one_lr, and test_cycle_lr_triangular2_mode's second group (base 3, max 7). */
  @Test
  void triangular2Mode() {
    assertSeries(cyclic(CyclicPolicy.TRIANGULAR2, 1, 5, 4, 4, 1, 0.1), TRIANGULAR2_LR, TRIANGULAR2_MOMENTUM, 0.1);
    assertSeries(cyclic(CyclicPolicy.TRIANGULAR2, 3, 7, 4, 4, 1, 0.1), plus(TRIANGULAR2_LR, 2),
        plus(TRIANGULAR2_MOMENTUM, 2), 0.1);
  }

  private static void assertExpRange(double base, double max, long up, long down, double[] xs, double scale) {
    double gamma = 0.9;
    double[] lr = new double[xs.length];
    double[] momentum = new double[xs.length];
    for (int i = 0; i < xs.length; i++) { // the targets exactly as PyTorch's test builds them
      lr[i] = base + xs[i] * (max - base) * Math.pow(gamma, i);
      momentum[i] = max - xs[i] * (max - base) * Math.pow(gamma, i);
    }
    assertSeries(cyclic(CyclicPolicy.EXP_RANGE, base, max, up, down, gamma, scale), lr, momentum, scale);
  }

  /** test_cycle_lr_exp_range_mode_one_lr and test_cycle_lr_exp_range_mode (groups 1..5 and 5..12). */
  @Test
  void expRangeMode() {
    assertExpRange(1, 5, 4, 4, EXP_RANGE_XS, 0.1);
    assertExpRange(5, 12, 4, 4, EXP_RANGE_XS, 0.01);
  }

  /** test_cycle_lr_triangular_mode_step_size_up_down. */
  @Test
  void triangularModeStepSizeUpDown() {
    double[] lr = {1.0, 2.0, 3.0, 4.0, 5.0, 13.0 / 3, 11.0 / 3, 9.0 / 3, 7.0 / 3, 5.0 / 3, 1.0};
    double[] momentum = {5.0, 4.0, 3.0, 2.0, 1.0, 5.0 / 3, 7.0 / 3, 3.0, 11.0 / 3, 13.0 / 3, 5.0};
    assertSeries(cyclic(CyclicPolicy.TRIANGULAR, 1, 5, 4, 6, 1, 0.1), lr, momentum, 0.1);
  }

  /** test_cycle_lr_triangular2_mode_step_size_up_down, both groups (deltas 0 and 2). */
  @Test
  void triangular2ModeStepSizeUpDown() {
    double[] lr = {1.0, 3.0, 5.0, 13.0 / 3, 11.0 / 3, 9.0 / 3, 7.0 / 3, 5.0 / 3, 1.0, 2.0, 3.0, 8.0 / 3,
        7.0 / 3, 6.0 / 3, 5.0 / 3, 4.0 / 3, 1.0, 3.0 / 2, 2.0, 11.0 / 6, 10.0 / 6, 9.0 / 6, 8.0 / 6, 7.0 / 6};
    double[] momentum = {5.0, 3.0, 1.0, 5.0 / 3, 7.0 / 3, 3.0, 11.0 / 3, 13.0 / 3, 5.0, 4.0, 3.0, 10.0 / 3,
        11.0 / 3, 4.0, 13.0 / 3, 14.0 / 3, 5.0, 4.5, 4.0, 25.0 / 6, 13.0 / 3, 4.5, 14.0 / 3, 29.0 / 6};
    for (int delta : new int[] {0, 2}) {
      assertSeries(cyclic(CyclicPolicy.TRIANGULAR2, 1 + delta, 5 + delta, 2, 6, 1, 0.1), plus(lr, delta),
          plus(momentum, delta), 0.1);
    }
  }

  /** test_cycle_lr_exp_range_mode_step_size_up_down. */
  @Test
  void expRangeModeStepSizeUpDown() {
    double[] xs = {0.0, 0.5, 1.0, 5.0 / 6, 4.0 / 6, 3.0 / 6, 2.0 / 6, 1.0 / 6, 0.0, 0.5, 1.0, 5.0 / 6, 4.0 / 6};
    assertExpRange(1, 5, 2, 6, xs, 0.1);
  }

  // ---- OneCycleLR

  /** test_onecycle_lr_linear_annealing (and test_cycle_lr_with_adam, the same vectors through beta1). */
  @Test
  void oneCycleLinearAnnealing() {
    double[] lr = {1, 13, 25, 21.5, 18, 14.5, 11, 7.5, 4, 0.5};
    double[] momentum = {22, 11.5, 1, 4, 7, 10, 13, 16, 19, 22};
    Schedule s = Schedules.oneCycle().maxLr(25).finalDivFactor(2).momentum(0.01, 0.22).totalSteps(10)
        .anneal(Anneal.LINEAR).build();
    assertSeries(s, lr, momentum, 0.01);
  }

  /** test_onecycle_lr_linear_annealing_three_phases. */
  @Test
  void oneCycleLinearAnnealingThreePhases() {
    double[] lr = {1, 9, 17, 25, 17, 9, 1, 0.75, 0.5, 0.25};
    double[] momentum = {22, 15, 8, 1, 8, 15, 22, 22, 22, 22};
    Schedule s = Schedules.oneCycle().maxLr(25).divFactor(25).momentum(0.01, 0.22).totalSteps(10)
        .anneal(Anneal.LINEAR).pctStart(0.4).finalDivFactor(4).threePhase(true).build();
    assertSeries(s, lr, momentum, 0.01);
  }

  /** PyTorch's test writes its cosine targets with this helper. */
  private static double annealingCos(double start, double end, double pct) {
    double cosOut = Math.cos(Math.PI * pct) + 1;
    return end + (start - end) / 2.0 * cosOut;
  }

  /** test_onecycle_lr_cosine_annealing. */
  @Test
  void oneCycleCosineAnnealing() {
    double[] lr = {1, 13, 25, annealingCos(25, 0.5, 1 / 7.0), annealingCos(25, 0.5, 2 / 7.0),
        annealingCos(25, 0.5, 3 / 7.0), annealingCos(25, 0.5, 4 / 7.0), annealingCos(25, 0.5, 5 / 7.0),
        annealingCos(25, 0.5, 6 / 7.0), 0.5};
    double[] momentum = {22, 11.5, 1, annealingCos(1, 22, 1 / 7.0), annealingCos(1, 22, 2 / 7.0),
        annealingCos(1, 22, 3 / 7.0), annealingCos(1, 22, 4 / 7.0), annealingCos(1, 22, 5 / 7.0),
        annealingCos(1, 22, 6 / 7.0), 22};
    Schedule s = Schedules.oneCycle().maxLr(25).finalDivFactor(2).momentum(0.01, 0.22).totalSteps(10).build();
    assertSeries(s, lr, momentum, 0.01);
  }

  // ---- baselines

  /** test_chained_lr1: StepLR(gamma=0.1, step_size=3) from 0.05 over 10 epochs. */
  @Test
  void stepLr() {
    double[] lr = {0.05, 0.05, 0.05, 0.005, 0.005, 0.005, 0.0005, 0.0005, 0.0005, 0.00005};
    assertSeries(Schedules.stepDecay(0.05, 3, 0.1), lr, null, 0);
  }

  /** test_sequentiallr1, its ExponentialLR(gamma=0.8) part; test_exp_lr: 0.05 * 0.9^x for 10 epochs. */
  @Test
  void exponentialLr() {
    assertSeries(Schedules.exponential(0.05, 0.8), new double[] {0.05, 0.04, 0.032}, null, 0);
    double[] lr = new double[10];
    for (int x = 0; x < lr.length; x++) {
      lr[x] = 0.05 * Math.pow(0.9, x);
    }
    assertSeries(Schedules.exponential(0.05, 0.9), lr, null, 0);
  }

  /** test_cos_anneal_lr: CosineAnnealingLR(T_max=10, eta_min=1e-10) from 0.05, epochs 0..9. */
  @Test
  void cosineAnnealingLr() {
    double etaMin = 1e-10;
    double[] lr = new double[10];
    for (int x = 0; x < lr.length; x++) {
      lr[x] = etaMin + (0.05 - etaMin) * (1 + Math.cos(Math.PI * x / 10)) / 2;
    }
    assertSeries(Schedules.cosine(0.05, 10, etaMin), lr, null, 0);
  }

  /** test_CosineAnnealingWarmRestarts_lr1: T_0=10, T_mult 1, 2 and 4, eta_min=1e-10, both groups, 100 steps. */
  @Test
  void cosineAnnealingWarmRestarts() {
    double etaMin = 1e-10;
    for (int mult : new int[] {1, 2, 4}) {
      for (double base : new double[] {0.05, 0.5}) {
        double[] lr = new double[100];
        long tI = 10;
        long tCur = 0;
        lr[0] = base;
        for (int i = 1; i < lr.length; i++) { // the test's own bookkeeping
          tCur += 1;
          if (tCur >= tI) {
            tCur -= tI;
            tI *= mult;
          }
          lr[i] = etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
        }
        assertSeries(Schedules.cosineRestarts(base, 10, mult, etaMin), lr, null, 0);
      }
    }
  }
}
