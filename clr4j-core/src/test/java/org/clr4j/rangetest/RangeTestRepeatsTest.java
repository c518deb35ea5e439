package org.clr4j.rangetest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Repeated range tests: the medians and spreads of known curves, failing repeats, the runner and the CSV. */
class RangeTestRepeatsTest {
  /** The default sweep: 100 steps from 1e-6 to 10. */
  static final RangeTest TEST = RangeTest.builder().build();

  /** The test curve, moved by {@code decades} along log10(lr): every loss-based suggestion moves with it. */
  static RangeTestResult shifted(double decades) {
    return TEST.run(CurveProbe.of(x -> Curves.loss(x - decades)));
  }

  /** A loss that never moves: divergence (and the fall-based methods) cannot decide. */
  static RangeTestResult flat() {
    return TEST.run(CurveProbe.of(x -> 1));
  }

  // ---- Spread ----

  @Test
  void theMedianOfAnOddCountIsTheMiddleValue() {
    Spread s = Spread.of(0.3, 0.01, 0.2);
    assertEquals(new Spread(0.2, 0.01, 0.3), s);
    assertEquals(30, s.ratio(), 1e-12);
    assertEquals(new Spread(5e-3, 5e-3, 5e-3), Spread.of(5e-3));
    assertEquals(1.0, Spread.of(5e-3).ratio());
    assertEquals(new Spread(2, 1, 9), Spread.of(9, 1, 2, 2, 1));
  }

  @Test
  void theMedianOfAnEvenCountIsTheGeometricMeanOfTheMiddleTwo() {
    assertEquals(1e-2, Spread.of(1e-1, 1e-3).median(), 1e-17);
    assertEquals(Math.sqrt(0.02 * 0.08), Spread.of(0.5, 0.02, 1e-4, 0.08).median(), 1e-17);
    // equal middle values give that value exactly, not a rounded square root
    for (double v : new double[] {0.1, 3e-3, 0.7, 1.1e-5, Double.MIN_VALUE, Double.MAX_VALUE}) {
      assertEquals(v, Spread.of(v, v).median());
    }
    // no overflow or underflow at the ends of the double range
    assertEquals(1.0, Spread.of(1e-300, 1e300).median(), 1e-12);
    assertEquals(Math.sqrt(Double.MAX_VALUE), Spread.of(1, Double.MAX_VALUE).median(), 1e140);
  }

  @Test
  void aSpreadRefusesWhatIsNotARateNamingThePositionAndTheRule() {
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> Spread.of(0.1, Double.NaN));
    assertEquals("values[1] (NaN) must be finite and > 0", nan.getMessage());
    assertEquals("values[0] (Infinity) must be finite and > 0", assertThrows(IllegalArgumentException.class,
        () -> Spread.of(Double.POSITIVE_INFINITY)).getMessage());
    assertEquals("values[2] (0) must be finite and > 0", assertThrows(IllegalArgumentException.class,
        () -> Spread.of(1, 2, 0)).getMessage());
    assertEquals("values[0] (-0.5) must be finite and > 0", assertThrows(IllegalArgumentException.class,
        () -> Spread.of(-0.5)).getMessage());
    assertEquals("values.length (0) must be >= 1", assertThrows(IllegalArgumentException.class,
        () -> Spread.of()).getMessage());
    assertEquals("values must not be null", assertThrows(IllegalArgumentException.class,
        () -> Spread.of((double[]) null)).getMessage());
    assertEquals("min (0.2) must be <= median (0.1)", assertThrows(IllegalArgumentException.class,
        () -> new Spread(0.1, 0.2, 0.3)).getMessage());
    assertEquals("median (NaN) must be finite and > 0", assertThrows(IllegalArgumentException.class,
        () -> new Spread(Double.NaN, 0.2, 0.3)).getMessage());
  }

  // ---- medians of real range tests ----

  @Test
  void threeRepeatsGiveTheMiddleRepeatsBoundsAndTheSpreadOfAll() {
    List<RangeTestResult> results = List.of(shifted(0.3), shifted(-0.6), shifted(0));
    RangeTestRepeats r = RangeTestRepeats.of(results);
    assertEquals(3, r.count());
    assertEquals(results, r.repeats());
    for (SuggestionMethod m : List.of(SuggestionMethod.DIVERGENCE, SuggestionMethod.MINIMUM,
        SuggestionMethod.STEEPEST, SuggestionMethod.MIN_DIV_10, SuggestionMethod.VALLEY)) {
      double[] uppers = results.stream().mapToDouble(x -> x.suggestion(m).upper()).toArray();
      double[] lowers = results.stream().mapToDouble(x -> x.suggestion(m).lower()).toArray();
      RepeatedSuggestion s = r.suggestion(m);
      assertEquals(results.get(2).suggestion(m).bounds(), s.bounds(), m + ": the unshifted repeat is the median");
      assertEquals(2, s.nearestMedian(), m.toString());
      assertEquals(Arrays.stream(uppers).min().orElseThrow(), s.upperSpread().min(), m.toString());
      assertEquals(Arrays.stream(uppers).max().orElseThrow(), s.upperSpread().max(), m.toString());
      assertEquals(Arrays.stream(lowers).min().orElseThrow(), s.lowerSpread().min(), m.toString());
      assertEquals(List.of(0, 1, 2), s.decidingRepeats());
      assertTrue(s.failures().isEmpty());
      // the repeats lie 0.9 decades apart: max/min about 10^0.9 (valley's start moves less: the sweep starts
      // on a plateau at 1e-6 in every repeat, whose length it counts)
      if (m != SuggestionMethod.VALLEY) {
        assertTrue(s.upperSpread().ratio() > 5 && s.upperSpread().ratio() < 12, m + " " + s.upperSpread());
      }
    }
    RepeatedSuggestion d = r.suggestion();
    assertEquals(SuggestionMethod.DIVERGENCE, d.method());
    assertTrue(d.reason().startsWith("median of 3 repeats, upper " + d.upperSpread() + "; repeat 3: loss blows up"),
        d.reason());
    Suggestion plain = d.toSuggestion();
    assertEquals(d.bounds(), plain.bounds());
    assertEquals(d.reason(), plain.reason());
    assertEquals(List.of(), plain.markedSteps());
  }

  @Test
  void oneRepeatIsThatRepeatsSuggestionsAndFailures() {
    RangeTestResult one = shifted(0);
    RangeTestRepeats r = RangeTestRepeats.of(List.of(one));
    for (SuggestionMethod m : one.suggestions().keySet()) {
      assertEquals(one.suggestion(m).bounds(), r.suggestion(m).bounds());
      assertEquals(1.0, r.suggestion(m).upperSpread().ratio());
    }
    assertEquals(one.failures(), r.failures());
    RangeTestRepeats f = RangeTestRepeats.of(List.of(flat()));
    assertEquals(flat().failures(), f.failures());
  }

  @Test
  void aRepeatThatCannotDecideIsReportedAndLeftOutOfTheMedian() {
    RangeTestResult low = shifted(-0.5);
    RangeTestResult high = shifted(0.4);
    RangeTestRepeats r = RangeTestRepeats.of(List.of(low, flat(), high));
    RepeatedSuggestion d = r.suggestion(SuggestionMethod.DIVERGENCE);
    assertEquals(List.of(0, 2), d.decidingRepeats());
    assertEquals(List.of(1), List.copyOf(d.failures().keySet()));
    assertTrue(d.failures().get(1).startsWith("the loss never blew up"), d.failures().get(1));
    double a = low.suggestion(SuggestionMethod.DIVERGENCE).upper();
    double b = high.suggestion(SuggestionMethod.DIVERGENCE).upper();
    assertEquals(Math.sqrt(a * b), d.upper(), 1e-15 * b, "the geometric mean of the two that decided");
    assertEquals(a, d.upperSpread().min());
    assertEquals(b, d.upperSpread().max());
    assertTrue(d.reason().startsWith("median of 2 repeats (1 of 3 could not decide), upper "), d.reason());
    assertTrue(!r.failures().containsKey(SuggestionMethod.DIVERGENCE));
  }

  @Test
  void aMethodNoRepeatCanDecideIsAClearError() {
    RangeTestRepeats r = RangeTestRepeats.of(List.of(flat(), flat(), flat()));
    String why = r.failures().get(SuggestionMethod.DIVERGENCE);
    assertTrue(why.startsWith("none of the 3 repeats could decide; repeat 1: the loss never blew up"), why);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> r.suggestion(SuggestionMethod.DIVERGENCE));
    assertEquals("the divergence method cannot suggest bounds: " + why, e.getMessage());
    assertTrue(!r.suggestions().containsKey(SuggestionMethod.DIVERGENCE));
    assertEquals(SuggestionMethod.values().length, r.suggestions().size() + r.failures().size());
    // suggestion() stands in with the first method of FALLBACK that decided.
    SuggestionMethod standIn = SuggestionMethod.FALLBACK.stream().filter(r.suggestions()::containsKey).findFirst()
        .orElseThrow(() -> new AssertionError("some method decides on these repeats: " + r.failures()));
    assertEquals(standIn, r.suggestion().method());
    assertEquals(r.suggestion(standIn).bounds(), r.suggestion().bounds());
  }

  @Test
  void aRepeatCutShortByANonFiniteLossIsLeftOutNotPropagated() {
    int[] step = {0};
    Probe nanEarly = lr -> step[0]++ == 4 ? Double.NaN : Curves.loss(Math.log10(lr));
    RangeTestResult cut = TEST.run(nanEarly);
    assertEquals(StopReason.NON_FINITE_LOSS, cut.stopReason());
    RangeTestRepeats r = RangeTestRepeats.of(List.of(shifted(0), cut, shifted(0.2)));
    for (RepeatedSuggestion s : r.suggestions().values()) {
      assertTrue(Double.isFinite(s.lower()) && Double.isFinite(s.upper()), s.toString());
      assertTrue(!s.reason().contains("NaN"), s.reason());
    }
    assertTrue(r.suggestion(SuggestionMethod.STEEPEST).failures().get(1).contains("turned non-finite at step 4"));
  }

  @Test
  void summariesRefuseNoRepeatsAndNullRepeats() {
    assertEquals("repeats.size() (0) must be >= 1", assertThrows(IllegalArgumentException.class,
        () -> RangeTestRepeats.of(List.of())).getMessage());
    assertEquals("repeats must not be null", assertThrows(IllegalArgumentException.class,
        () -> RangeTestRepeats.of(null)).getMessage());
    List<RangeTestResult> withNull = new ArrayList<>(List.of(shifted(0)));
    withNull.add(null);
    assertEquals("repeats[1] must not be null", assertThrows(IllegalArgumentException.class,
        () -> RangeTestRepeats.of(withNull)).getMessage());
    assertEquals("method must not be null", assertThrows(IllegalArgumentException.class,
        () -> RangeTestRepeats.of(List.of(shifted(0))).suggestion(null)).getMessage());
  }

  // ---- the runner ----

  @Test
  void runRepeatsMakesOneProbePerRepeatClosesEachAndTellsTheListener() {
    List<CurveProbe> probes = new ArrayList<>();
    List<String> events = new ArrayList<>();
    RangeTest.Listener listener = new RangeTest.Listener() {
      @Override
      public void onStep(RangePoint point, int steps) {
        if (point.index() == 0) {
          events.add("step0");
        }
      }

      @Override
      public void onRepeat(int repeat, int repeats) {
        events.add("repeat " + repeat + "/" + repeats);
      }
    };
    RangeTestRepeats r = TEST.runRepeats(3, repeat -> {
      assertEquals(probes.size(), repeat);
      for (CurveProbe earlier : probes) {
        assertEquals(1, earlier.closes, "the earlier probe is closed before the next is made");
      }
      CurveProbe p = CurveProbe.of(x -> Curves.loss(x - 0.2 * repeat));
      probes.add(p);
      return p;
    }, listener);
    assertEquals(3, r.count());
    assertEquals(List.of("repeat 0/3", "step0", "repeat 1/3", "step0", "repeat 2/3", "step0"), events);
    for (CurveProbe p : probes) {
      assertEquals(1, p.begins);
      assertEquals(1, p.closes);
    }
    assertEquals(shifted(0.2).suggestion().bounds(), r.suggestion().bounds());
  }

  @Test
  void runRepeatsRefusesBadArguments() {
    assertEquals("repeats (0) must be >= 1", assertThrows(IllegalArgumentException.class,
        () -> TEST.runRepeats(0, i -> CurveProbe.of(x -> 1))).getMessage());
    assertEquals("repeats (-3) must be >= 1", assertThrows(IllegalArgumentException.class,
        () -> TEST.runRepeats(-3, i -> CurveProbe.of(x -> 1))).getMessage());
    assertEquals("probeOfRepeat must not be null", assertThrows(IllegalArgumentException.class,
        () -> TEST.runRepeats(2, null)).getMessage());
    assertEquals("probeOfRepeat returned null for repeat 1", assertThrows(IllegalArgumentException.class,
        () -> TEST.runRepeats(2, i -> i == 0 ? CurveProbe.of(x -> 1) : null)).getMessage());
  }

  // ---- CSV ----

  @Test
  void theCsvHasARepeatColumnAndOneRowPerStepPerRepeat() {
    RangeTestResult a = shifted(0);
    RangeTestResult b = TEST.run(CurveProbe.of(x -> Curves.loss(x + 1)));
    String csv = RangeTestRepeats.of(List.of(a, b)).toCsv();
    List<String> lines = csv.lines().toList();
    assertEquals("repeat,lr,loss,smoothed_loss,eval_loss,accuracy,suggester_loss", lines.get(0));
    assertEquals(1 + a.points().size() + b.points().size(), lines.size());
    List<String> aRows = a.toCsv().lines().skip(1).toList();
    List<String> bRows = b.toCsv().lines().skip(1).toList();
    for (int i = 0; i < aRows.size(); i++) {
      assertEquals("1," + aRows.get(i), lines.get(1 + i));
    }
    for (int i = 0; i < bRows.size(); i++) {
      assertEquals("2," + bRows.get(i), lines.get(1 + aRows.size() + i));
    }
    assertTrue(csv.endsWith("\n"));
  }
}
