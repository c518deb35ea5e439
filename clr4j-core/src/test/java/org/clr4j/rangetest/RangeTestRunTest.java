package org.clr4j.rangetest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangeTestRunTest {

  @Test
  void exponentialSpacingHitsBothEndsExactlyWithAConstantRatio() {
    RangeTest test = RangeTest.builder().startLr(1e-5).endLr(10).steps(61).build();
    assertEquals(1e-5, test.lrAt(0));
    assertEquals(10.0, test.lrAt(60));
    double ratio = Math.pow(1e6, 1.0 / 60);
    for (int i = 1; i < 61; i++) {
      assertEquals(ratio, test.lrAt(i) / test.lrAt(i - 1), 1e-12);
    }
    assertEquals(1e-2, test.lrAt(30), 1e-15);
  }

  @Test
  void linearSpacingHitsBothEndsExactlyWithEqualSteps() {
    RangeTest test = RangeTest.builder().startLr(0.001).endLr(0.021).steps(11)
        .spacing(RangeTest.Spacing.LINEAR).build();
    assertEquals(0.001, test.lrAt(0));
    assertEquals(0.021, test.lrAt(10));
    for (int i = 1; i < 11; i++) {
      assertEquals(0.002, test.lrAt(i) - test.lrAt(i - 1), 1e-15);
    }
    RangeTestResult r = test.run(CurveProbe.of(x -> 1));
    for (int i = 0; i < 11; i++) {
      assertEquals(test.lrAt(i), r.points().get(i).lr());
      assertEquals(i, r.points().get(i).index());
    }
  }

  @Test
  void smoothedLossIsTheBiasCorrectedEma() {
    double[] losses = {1, 2, 3};
    int[] k = {0};
    Probe probe = lr -> losses[k[0]++];
    RangeTestResult r = RangeTest.builder().steps(3).minSteps(1).smoothing(0.5).build().run(probe);
    // avg: 0.5, 1.25, 2.125; corrections 1-0.5, 1-0.25, 1-0.125
    assertEquals(1.0, r.points().get(0).smoothedLoss(), 1e-15);
    assertEquals(5.0 / 3, r.points().get(1).smoothedLoss(), 1e-15);
    assertEquals(17.0 / 7, r.points().get(2).smoothedLoss(), 1e-15);
    assertEquals(StopReason.COMPLETED, r.stopReason());
    assertEquals(2, r.stopStep());
  }

  @Test
  void stopsWhenTheSmoothedLossExceedsFourTimesItsBest() {
    // loss 1 up to 1e-3, then growing tenfold per decade
    RangeTestResult r = RangeTest.builder().build().run(CurveProbe.of(x -> x < -3 ? 1 : Math.pow(10, x + 3)));
    assertEquals(StopReason.DIVERGED, r.stopReason());
    List<RangePoint> p = r.points();
    double best = p.stream().mapToDouble(RangePoint::smoothedLoss).min().orElseThrow();
    assertTrue(p.get(p.size() - 1).smoothedLoss() > 4 * best);
    assertTrue(p.get(p.size() - 2).smoothedLoss() <= 4 * best);
    assertTrue(p.size() < 100);
  }

  @Test
  void anEarlySpikeDoesNotStopTheTestWithinMinSteps() {
    int[] k = {0};
    Probe probe = lr -> k[0]++ == 1 ? 500 : 2;
    RangeTestResult r = RangeTest.builder().steps(50).build().run(probe);
    assertEquals(StopReason.COMPLETED, r.stopReason());
    assertEquals(50, r.points().size());
    // without the grace period the same spike ends the test at step 1
    k[0] = 0;
    RangeTestResult eager = RangeTest.builder().steps(50).minSteps(1).build().run(probe);
    assertEquals(StopReason.DIVERGED, eager.stopReason());
    assertEquals(1, eager.stopStep());
  }

  @Test
  void divergenceCheckCanBeTurnedOff() {
    RangeTestResult r = RangeTest.builder().divergenceFactor(Double.POSITIVE_INFINITY).build()
        .run(CurveProbe.of(x -> Math.pow(10, x + 6)));
    assertEquals(StopReason.COMPLETED, r.stopReason());
  }

  @Test
  void stopsAtTheFirstNonFiniteLossAndRecordsIt() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      int[] k = {0};
      Probe probe = lr -> k[0]++ == 30 ? bad : 1.0;
      RangeTestResult r = RangeTest.builder().build().run(probe);
      assertEquals(StopReason.NON_FINITE_LOSS, r.stopReason());
      assertEquals(31, k[0], "no step after the non-finite one");
      assertEquals(30, r.stopStep());
      RangePoint last = r.points().get(30);
      assertEquals(bad, last.loss());
      assertTrue(Double.isNaN(last.smoothedLoss()));
    }
  }

  @Test
  void evaluatesEveryKStepsStartingAtStepZero() {
    CurveProbe probe = new CurveProbe(Curves::loss, Curves::accuracy, 0, 0, 1);
    RangeTestResult r = RangeTest.builder().evalEvery(7).build().run(probe);
    for (RangePoint p : r.points()) {
      assertEquals(p.index() % 7 == 0, p.hasAccuracy(), "step " + p.index());
      assertEquals(p.index() % 7 == 0, !Double.isNaN(p.evalLoss()));
    }
  }

  @Test
  void evaluationNeedsAProbeThatSupportsIt() {
    RangeTest test = RangeTest.builder().evalEvery(5).build();
    var e = assertThrows(IllegalArgumentException.class, () -> test.run(lr -> 1.0));
    assertEquals("evalEvery (5) needs a probe that supports evaluation", e.getMessage());
  }

  @Test
  void listenerSeesEveryStep() {
    List<Integer> seen = new ArrayList<>();
    RangeTestResult r = RangeTest.builder().steps(20).build().run(CurveProbe.of(x -> 1), (p, n) -> {
      assertEquals(20, n);
      seen.add(p.index());
    });
    assertEquals(20, seen.size());
    assertEquals(r.points().size(), seen.size());
  }

  @Test
  void closeRunsExactlyOnceAfterACompletedOrStoppedTest() {
    CurveProbe done = CurveProbe.of(x -> 1);
    RangeTest.builder().build().run(done);
    assertEquals(1, done.begins);
    assertEquals(1, done.closes);
    CurveProbe diverged = CurveProbe.of(x -> Math.pow(10, x + 6));
    assertEquals(StopReason.DIVERGED, RangeTest.builder().build().run(diverged).stopReason());
    assertEquals(1, diverged.closes);
  }

  @Test
  void aProbeThatThrowsStillGetsRestored() {
    int[] closes = {0};
    RuntimeException boom = new RuntimeException("CUDA out of memory");
    Probe probe = new Probe() {
      int k;

      @Override
      public double trainStep(double lr) {
        if (k++ == 5) {
          throw boom;
        }
        return 1;
      }

      @Override
      public void close() {
        closes[0]++;
      }
    };
    assertSame(boom, assertThrows(RuntimeException.class, () -> RangeTest.builder().build().run(probe)));
    assertEquals(1, closes[0]);
  }

  @Test
  void aFailingBeginOrListenerStillGetsRestoredAndCloseFailuresAreSuppressed() {
    int[] closes = {0};
    Probe failsToBegin = new Probe() {
      @Override
      public void begin() {
        throw new IllegalStateException("snapshot failed");
      }

      @Override
      public double trainStep(double lr) {
        throw new AssertionError("no step after a failed begin");
      }

      @Override
      public void close() {
        closes[0]++;
        throw new IllegalStateException("restore failed");
      }
    };
    var e = assertThrows(IllegalStateException.class, () -> RangeTest.builder().build().run(failsToBegin));
    assertEquals("snapshot failed", e.getMessage());
    assertEquals("restore failed", e.getSuppressed()[0].getMessage());
    assertEquals(1, closes[0]);

    CurveProbe probe = CurveProbe.of(x -> 1);
    assertThrows(IllegalStateException.class, () -> RangeTest.builder().build().run(probe, (p, n) -> {
      throw new IllegalStateException("progress bar broke");
    }));
    assertEquals(1, probe.closes);
  }

  @Test
  void builderNamesTheBrokenRule() {
    assertEquals("startLr (10) must be < endLr (1)", assertThrows(IllegalArgumentException.class,
        () -> RangeTest.builder().startLr(10).endLr(1).build()).getMessage());
    assertEquals("startLr (NaN) must be finite and > 0", assertThrows(IllegalArgumentException.class,
        () -> RangeTest.builder().startLr(Double.NaN)).getMessage());
    assertEquals("steps (1) must be >= 2", assertThrows(IllegalArgumentException.class,
        () -> RangeTest.builder().steps(1)).getMessage());
    assertEquals("smoothing (1) must be in [0, 1)", assertThrows(IllegalArgumentException.class,
        () -> RangeTest.builder().smoothing(1)).getMessage());
    assertEquals("divergenceFactor (1) must be > 1", assertThrows(IllegalArgumentException.class,
        () -> RangeTest.builder().divergenceFactor(1)).getMessage());
    assertEquals("evalEvery (-1) must be >= 0", assertThrows(IllegalArgumentException.class,
        () -> RangeTest.builder().evalEvery(-1)).getMessage());
    assertEquals("minSteps (20) must be <= steps (10)", assertThrows(IllegalArgumentException.class,
        () -> RangeTest.builder().steps(10).minSteps(20).build()).getMessage());
    assertThrows(IllegalArgumentException.class, () -> RangeTest.builder().build().lrAt(100));
  }

  @Test
  void csvHasTheHeaderAndOneRowPerPoint() {
    int[] k = {0};
    Probe probe = lr -> k[0]++ == 2 ? Double.NaN : 1.5;
    String csv = RangeTest.builder().startLr(0.001).endLr(0.1).steps(5).minSteps(1).build().run(probe).toCsv();
    String[] lines = csv.split("\n");
    assertEquals("lr,loss,smoothed_loss,eval_loss,accuracy,suggester_loss", lines[0]);
    assertEquals(4, lines.length);
    assertEquals("0.001,1.5,1.5,NaN,NaN,1.5", lines[1]);
    assertEquals("0.01,NaN,NaN,NaN,NaN,NaN", lines[3]);
  }

  /** The curve published for plots and CSVs is the one the suggestions quote, not the lagging running average. */
  @Test
  void theSuggesterCurveIsTheOneTheReasonsQuote() {
    // A valley at lr = 1e-2 in a noisy curve: the lagging running average bottoms later and higher.
    CurveProbe probe = new CurveProbe(x -> 1 + (x + 2) * (x + 2) + (x > 0 ? Math.pow(10, x) : 0), null, 0.05, 0, 9);
    RangeTestResult r = RangeTest.builder().startLr(1e-5).endLr(10).steps(120).build().run(probe);
    Suggestion minimum = r.suggestion(SuggestionMethod.MINIMUM);
    int at = minimum.markedSteps().get(0);
    assertEquals(minimum.upper(), r.points().get(at).lr(), 1e-12 * minimum.upper());
    assertTrue(minimum.reason().contains("(" + Analysis.num(r.suggesterLoss(at)) + ")"),
        minimum.reason());
    double lowestEma = r.points().stream().mapToDouble(RangePoint::smoothedLoss).min().orElseThrow();
    assertTrue(r.suggesterLoss(at) < lowestEma, "the zero-lag curve bottoms lower than the EMA");
    assertThrows(IllegalArgumentException.class, () -> r.suggesterLoss(r.points().size()));
  }
}
