package org.clr4j.rangetest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Suggesters on synthetic curves with known answers (see {@link Curves}), with noise, spikes and NaN tails. */
class SuggestersTest {
  /** The default test: 100 steps from 1e-6 to 10, so x = log10(lr) = -6 + 7i/99. */
  static final RangeTest TEST = RangeTest.builder().divergenceFactor(Double.POSITIVE_INFINITY).build();

  static double lrOfIndex(int i) {
    return TEST.lrAt(i);
  }

  static void assertNear(double expected, double actual, double factor, String what) {
    assertTrue(actual >= expected / factor && actual <= expected * factor,
        what + ": expected " + expected + " within ×" + factor + ", was " + actual);
  }

  static RangeTestResult clean() {
    return TEST.run(CurveProbe.of(Curves::loss));
  }

  @Test
  void steepestFindsTheSteepestFallAtOneThousandth() {
    Suggestion s = clean().suggestion(SuggestionMethod.STEEPEST);
    assertNear(1e-3, s.upper(), 1.2, "upper");
    assertEquals(s.upper() / 4, s.lower(), 1e-18);
    // the true slope there is -1/(4 * 0.4) = -0.625 per decade; the smoothing flattens it a little
    assertTrue(s.reason().startsWith("smoothed loss falls fastest at lr=" + Analysis.num(s.upper()) + " (slope -0.6")
        || s.reason().startsWith("smoothed loss falls fastest at lr=" + Analysis.num(s.upper()) + " (slope -0.59"),
        s.reason());
    assertEquals(1, s.markedSteps().size());
  }

  @Test
  void minimumDividesTheMinimumByTen() {
    double min = Math.pow(10, Curves.lossMinimum());
    Suggestion s = clean().suggestion(SuggestionMethod.MIN_DIV_10);
    // the centred smoothing (±4 points = ±0.28 decade) moves a kinked minimum towards its flatter side, by less
    // than its half-width
    assertNear(min / 10, s.upper(), Math.pow(10, 0.28), "upper");
    assertTrue(s.upper() <= min / 10, "shifted towards lower rates, never higher");
    assertEquals(s.upper() / 4, s.lower(), 1e-18);
    assertTrue(s.reason().contains("lowest"), s.reason());
  }

  @Test
  void divergenceTakesATenthOfTheRateWhereTheLossBlowsUp() {
    // loss ≈ 1 at its minimum; 1 + 2(x+1)² passes 4 at x = -1 + sqrt(1.5) ≈ 0.2247
    double blowUp = Math.pow(10, -1 + Math.sqrt(1.5));
    Suggestion s = clean().suggestion(SuggestionMethod.DIVERGENCE);
    assertNear(blowUp / 10, s.upper(), 1.25, "upper");
    assertEquals(s.upper() / 4, s.lower(), 1e-18);
    assertTrue(s.reason().startsWith("loss blows up"), s.reason());
    // A non-finite tail is a blow-up too: the suggestion is a tenth of the last finite rate.
    RangeTestResult nan = TEST.run(CurveProbe.of(x -> x >= 0 ? Double.NaN : Curves.loss(x)));
    assertNear(0.1, nan.suggestion(SuggestionMethod.DIVERGENCE).upper(), 1.25, "upper with NaN tail");
    // A test that stops before the loss blows up cannot place it.
    RangeTestResult early = RangeTest.builder().startLr(1e-6).endLr(0.1).build().run(CurveProbe.of(Curves::loss));
    assertTrue(early.failures().get(SuggestionMethod.DIVERGENCE).contains("never blew up"),
        early.failures().toString());
  }

  @Test
  void divergenceIgnoresASpikeTheLossRecoversFrom() {
    // A few steps at 10× the loss near x = -0.85, past the minimum and a decade below the real blow-up (seen on cnn:
    // a spike at lr 0.03 put the bound at 0.003 when training diverges only past lr 1).
    List<RangePoint> points = new ArrayList<>(clean().points());
    for (int i = 72; i <= 74; i++) {
      replaceLoss(points, i, 10);
    }
    RangeTestResult spiky = new RangeTestResult(points, StopReason.COMPLETED);
    Suggestion s = spiky.suggestion(SuggestionMethod.DIVERGENCE);
    assertEquals(clean().suggestion(SuggestionMethod.DIVERGENCE).upper(), s.upper());
    assertTrue(s.reason().contains("(a spike at lr=" + Analysis.num(lrOfIndex(72)) + " recovered)"), s.reason());
    // A curve that ends below the limit after its spike never blew up for good.
    List<RangePoint> head = new ArrayList<>(points.subList(0, 80));
    RangeTestResult stopped = new RangeTestResult(head, StopReason.COMPLETED);
    String why = stopped.failures().get(SuggestionMethod.DIVERGENCE);
    assertTrue(why.contains("never blew up for good") && why.contains("recovered"), why);
  }

  @Test
  void valleyLiesPartWayDownTheLongestDescent() {
    // the clean curve falls from the first analysed point (index 10) to its minimum
    int start = 10;
    int end = (int) Math.round((Curves.lossMinimum() + 6) / 7 * 99);
    int span = end - start;
    double expected = lrOfIndex(start + span / 3 + span / 6);
    Suggestion s = clean().suggestion(SuggestionMethod.VALLEY);
    assertEquals(3, s.markedSteps().size());
    assertEquals(start, s.markedSteps().get(0));
    int foundEnd = s.markedSteps().get(2);
    // the valley ends at the smoothed minimum, which the smoothing moves at most 0.28 decade (4 points) lower
    assertTrue(foundEnd <= end && foundEnd >= end - 4, "valley end " + foundEnd + " vs minimum " + end);
    int foundSpan = foundEnd - start;
    assertEquals(start + foundSpan / 3 + foundSpan / 6, s.markedSteps().get(1));
    assertEquals(lrOfIndex(s.markedSteps().get(1)), s.upper());
    assertNear(expected, s.upper(), Math.pow(10, 0.15), "upper");
    assertEquals(SuggestionMethod.DIVERGENCE, clean().suggestion().method(), "the default");
  }

  @Test
  void noisyCurvesGiveNearlyTheCleanAnswers() {
    RangeTestResult clean = clean();
    for (long seed = 1; seed <= 5; seed++) {
      RangeTestResult noisy = TEST.run(new CurveProbe(Curves::loss, null, 0.03, 0, seed));
      assertNear(clean.suggestion(SuggestionMethod.STEEPEST).upper(),
          noisy.suggestion(SuggestionMethod.STEEPEST).upper(), 2, "steepest, seed " + seed);
      assertNear(clean.suggestion(SuggestionMethod.MIN_DIV_10).upper(),
          noisy.suggestion(SuggestionMethod.MIN_DIV_10).upper(), 2.5, "min/10, seed " + seed);
      assertNear(clean.suggestion(SuggestionMethod.VALLEY).upper(),
          noisy.suggestion(SuggestionMethod.VALLEY).upper(), 3, "valley, seed " + seed);
    }
  }

  @Test
  void spikesUpOrDownChangeNothingMuch() {
    List<RangePoint> points = new ArrayList<>(clean().points());
    // a huge loss at steps 1-3, a glitch to almost zero and another spike after the skipped start
    replaceLoss(points, 1, 1e4);
    replaceLoss(points, 2, 50);
    replaceLoss(points, 3, 300);
    replaceLoss(points, 12, 1e-6);
    replaceLoss(points, 40, 80);
    replaceLoss(points, 60, 1e-9);
    RangeTestResult spiky = new RangeTestResult(points, StopReason.COMPLETED);
    RangeTestResult clean = clean();
    for (SuggestionMethod m : List.of(SuggestionMethod.STEEPEST, SuggestionMethod.MIN_DIV_10,
        SuggestionMethod.VALLEY)) {
      assertNear(clean.suggestion(m).upper(), spiky.suggestion(m).upper(), 1.3, m.cliName());
    }
  }

  @Test
  void nanOrInfinityTailsAreCutOff() {
    RangeTestResult clean = clean();
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      // the loss blows up to non-finite from 1e0 on: the run stops there
      RangeTestResult r = TEST.run(CurveProbe.of(x -> x >= 0 ? bad : Curves.loss(x)));
      assertEquals(StopReason.NON_FINITE_LOSS, r.stopReason());
      for (SuggestionMethod m : List.of(SuggestionMethod.STEEPEST, SuggestionMethod.MIN_DIV_10,
          SuggestionMethod.VALLEY)) {
        assertNear(clean.suggestion(m).upper(), r.suggestion(m).upper(), 1.2, m.cliName());
      }
      // recorded points with a non-finite middle (e.g. from a CSV) are cut at the first one
      List<RangePoint> points = new ArrayList<>(clean.points());
      replaceLoss(points, 80, bad);
      RangeTestResult cut = new RangeTestResult(points, StopReason.COMPLETED);
      assertTrue(cut.suggestion(SuggestionMethod.VALLEY).upper() < lrOfIndex(80));
    }
  }

  /** suggestion() answers with the default when it decides, else with the first of FALLBACK that does. */
  @Test
  void withoutTheDefaultTheSuggestionFallsBackInOrder() {
    RangeTestResult early = RangeTest.builder().startLr(1e-6).endLr(0.1).build().run(CurveProbe.of(Curves::loss));
    assertTrue(!early.suggestions().containsKey(SuggestionMethod.DIVERGENCE), early.suggestions().toString());
    SuggestionMethod expected = SuggestionMethod.FALLBACK.stream().filter(early.suggestions()::containsKey)
        .findFirst().orElseThrow();
    assertEquals(SuggestionMethod.MINIMUM, expected, "the loss's minimum lies inside this test: " + early.failures());
    assertEquals(early.suggestion(expected), early.suggestion());
    assertThrows(IllegalStateException.class, () -> early.suggestion(SuggestionMethod.DIVERGENCE));
    assertEquals(SuggestionMethod.DIVERGENCE, clean().suggestion().method());
    // A fallback further down the list: only valley and accuracy decided.
    java.util.Set<SuggestionMethod> some = java.util.EnumSet.of(SuggestionMethod.ACCURACY, SuggestionMethod.VALLEY);
    assertEquals(SuggestionMethod.VALLEY, SuggestionMethod.firstDecided(some));
    assertEquals(null, SuggestionMethod.firstDecided(java.util.EnumSet.noneOf(SuggestionMethod.class)));
  }

  @Test
  void tooFewUsablePointsIsAClearError() {
    int[] k = {0};
    Probe probe = lr -> k[0]++ == 3 ? Double.NaN : 1.0;
    RangeTestResult r = TEST.run(probe);
    String expected = "range test has 3 usable points (the loss turned non-finite at step 3); "
        + "the steepest method needs at least 10";
    assertEquals(expected, r.failures().get(SuggestionMethod.STEEPEST));
    var e = assertThrows(IllegalStateException.class, () -> r.suggestion(SuggestionMethod.STEEPEST));
    assertEquals("the steepest method cannot suggest bounds: " + expected, e.getMessage());
    assertTrue(r.suggestions().isEmpty());
    // With no method deciding, the suggestion fails with the default's reason.
    assertEquals("no method can suggest bounds; the divergence method: "
        + r.failures().get(SuggestionMethod.DIVERGENCE),
        assertThrows(IllegalStateException.class, r::suggestion).getMessage());
    assertEquals("range test has 5 usable points; the valley method needs at least 10",
        RangeTest.builder().steps(5).minSteps(1).build().run(CurveProbe.of(Curves::loss)).failures()
            .get(SuggestionMethod.VALLEY));
  }

  @Test
  void aLossThatNeverFallsIsReported() {
    RangeTestResult r = TEST.run(CurveProbe.of(x -> 1 + Math.pow(10, x)));
    assertTrue(r.failures().get(SuggestionMethod.STEEPEST).startsWith("the smoothed loss never falls"));
    assertTrue(r.failures().get(SuggestionMethod.VALLEY).startsWith("the smoothed loss never falls"));
    // min/10 still answers: the first analysed point, clamped into the tested range
    Suggestion s = r.suggestion(SuggestionMethod.MIN_DIV_10);
    assertEquals(1e-6, s.lower());
    assertTrue(s.upper() >= 1e-6);
  }

  @Test
  void accuracyRuleFindsTheRiseAndThePlateau() {
    RangeTestResult r = RangeTest.builder().evalEvery(2).divergenceFactor(Double.POSITIVE_INFINITY).build()
        .run(new CurveProbe(Curves::loss, Curves::accuracy, 0, 0, 1));
    Suggestion s = r.suggestion(SuggestionMethod.ACCURACY);
    // "starts to rise" = first evaluation 10 % of the rise (0.08) above the start: 0.1 decade past 1e-3;
    // "stops rising" = first within 10 % of the peak: 0.1 decade before 1e-2. Evaluations are 0.14 decade apart.
    assertNear(Math.pow(10, -2.9), s.lower(), 1.4, "lower");
    assertNear(Math.pow(10, -2.1), s.upper(), 1.4, "upper");
    assertTrue(s.reason().contains("stops rising"), s.reason());
    assertEquals(2, s.markedSteps().size());
  }

  @Test
  void accuracyRuleCopesWithNoise() {
    for (long seed = 1; seed <= 5; seed++) {
      RangeTestResult r = RangeTest.builder().evalEvery(2).divergenceFactor(Double.POSITIVE_INFINITY).build()
          .run(new CurveProbe(Curves::loss, Curves::accuracy, 0.03, 0.02, seed));
      Suggestion s = r.suggestion(SuggestionMethod.ACCURACY);
      assertNear(1e-3, s.lower(), 2, "lower, seed " + seed);
      assertNear(1e-2, s.upper(), 2.5, "upper, seed " + seed);
    }
  }

  @Test
  void accuracyRuleStopsWhereTheCurveTurnsRagged() {
    // rising from 1e-3 to 0.9 at 1e-1, but dropping by 0.2 for almost half a decade from 1e-2
    RangeTestResult r = RangeTest.builder().evalEvery(2).divergenceFactor(Double.POSITIVE_INFINITY).build()
        .run(new CurveProbe(Curves::loss,
            x -> x < -3 ? 0.1 : x < -1 ? 0.1 + 0.4 * (x + 3) - (x > -2 && x < -1.6 ? 0.2 : 0) : 0.9, 0, 0, 1));
    Suggestion s = r.suggestion(SuggestionMethod.ACCURACY);
    // 10 % of the rise (0.08) at 0.4 per decade is 0.2 decade past 1e-3
    assertNear(Math.pow(10, -2.8), s.lower(), 1.4, "lower");
    assertNear(1e-2, s.upper(), 1.4, "upper");
    assertTrue(s.reason().contains("turns ragged"), s.reason());
  }

  @Test
  void accuracyRuleNeedsEnoughEvaluationsAndARise() {
    RangeTestResult sparse = RangeTest.builder().evalEvery(40).build()
        .run(new CurveProbe(Curves::loss, Curves::accuracy, 0, 0, 1));
    assertEquals("range test has 3 evaluation points; the accuracy method needs at least 6 (evaluate more often: "
        + "lower evalEvery)", sparse.failures().get(SuggestionMethod.ACCURACY));
    assertEquals("range test has 0 evaluation points; the accuracy method needs at least 6 (evaluate more often: "
        + "lower evalEvery)", clean().failures().get(SuggestionMethod.ACCURACY));
    RangeTestResult flat = RangeTest.builder().evalEvery(2).build()
        .run(new CurveProbe(Curves::loss, x -> 0.1, 0, 0.02, 3));
    assertTrue(flat.failures().get(SuggestionMethod.ACCURACY).startsWith("held-out accuracy never rises"),
        flat.failures().get(SuggestionMethod.ACCURACY));
  }

  @Test
  void noiseEstimateIsZeroOnLinesAndNearSigmaOnWhiteNoise() {
    assertEquals(0, AccuracySuggester.noise(new double[] {0.1, 0.2, 0.3, 0.4, 0.4, 0.4}), 1e-12);
    Random random = new Random(7);
    double[] v = new double[2000];
    for (int i = 0; i < v.length; i++) {
      v[i] = 0.5 + 0.05 * random.nextGaussian();
    }
    assertEquals(0.05, AccuracySuggester.noise(v), 0.005);
  }

  @Test
  void numbersInReasonsAreShort() {
    assertEquals("3.2e-3", Analysis.num(0.0032));
    assertEquals("0.032", Analysis.num(0.0321));
    assertEquals("-1.9", Analysis.num(-1.94));
    assertEquals("12", Analysis.num(12.3));
    assertEquals("1e-6", Analysis.num(1e-6));
    assertEquals("1.2e4", Analysis.num(12345));
  }

  static void replaceLoss(List<RangePoint> points, int i, double loss) {
    RangePoint p = points.get(i);
    points.set(i, new RangePoint(i, p.lr(), loss, p.smoothedLoss(), p.evalLoss(), p.accuracy()));
  }
}
