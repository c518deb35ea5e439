package org.clr4j.rangetest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.clr4j.schedule.CyclicPolicy;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.Test;

class BoundsTest {
  static final Bounds BOUNDS = new Bounds(0.001, 0.006);

  static long stepSize(Schedule s) {
    Matcher m = Pattern.compile("up=(\\d+)").matcher(s.toString());
    assertTrue(m.find(), s.toString());
    return Long.parseLong(m.group(1));
  }

  static void assertParsesBack(Schedule s) {
    assertEquals(s.toString(), Schedule.parse(s.toString()).toString());
  }

  @Test
  void validatesItsBounds() {
    assertEquals("lower (0.1) must be <= upper (0.01)",
        assertThrows(IllegalArgumentException.class, () -> new Bounds(0.1, 0.01)).getMessage());
    assertEquals("lower (0) must be finite and > 0",
        assertThrows(IllegalArgumentException.class, () -> new Bounds(0, 0.01)).getMessage());
    assertEquals("upper (NaN) must be finite and > 0",
        assertThrows(IllegalArgumentException.class, () -> new Bounds(0.1, Double.NaN)).getMessage());
  }

  @Test
  void cyclicUsesFourEpochsPerHalfCycle() {
    Schedule s = BOUNDS.cyclic(CyclicPolicy.TRIANGULAR, 500);
    assertEquals("triangular(base=0.001, max=0.006, up=2000)", s.toString().replaceAll(", down=\\d+", ""));
    assertEquals(0.001, s.valueAt(0), 1e-15);
    assertEquals(0.006, s.valueAt(2000), 1e-15);
    assertEquals(0.001, s.valueAt(4000), 1e-15);
    assertParsesBack(s);
    assertParsesBack(BOUNDS.cyclic(CyclicPolicy.TRIANGULAR2, 500));
  }

  @Test
  void expRangeNeedsTheRunLength() {
    var e = assertThrows(IllegalArgumentException.class, () -> BOUNDS.cyclic(CyclicPolicy.EXP_RANGE, 500));
    assertTrue(e.getMessage().startsWith("policy (exp_range) needs totalSteps"), e.getMessage());
    Schedule s = BOUNDS.cyclic(CyclicPolicy.EXP_RANGE, 500, 20_000);
    assertParsesBack(s);
    // the amplitude has fallen to 1 % by the end: at a peak near the end the rate is barely above base
    assertEquals(2000, stepSize(s));
    double peakNearEnd = s.valueAt(18_000);
    assertEquals(0.001 + 0.005 * Math.pow(0.01, 18_000.0 / 20_000), peakNearEnd, 1e-9);
  }

  @Test
  void aKnownBudgetEndsAtTheEndOfACycle() {
    Schedule s = BOUNDS.cyclic(CyclicPolicy.TRIANGULAR, 391, 10_000);
    // 10000 / (8 * 391) = 3.2 -> 3 cycles of 2 * 1666 steps
    assertEquals(1666, stepSize(s));
    assertEquals(0.001, s.valueAt(6 * 1666), 1e-15);
    assertParsesBack(s);
  }

  @Property(tries = 300)
  void stepsizeFollowsTheTwoToTenEpochRule(@ForAll @LongRange(min = 1, max = 5000) long perEpoch,
      @ForAll @IntRange(min = 4, max = 400) int epochsTimesTen) {
    long total = perEpoch * epochsTimesTen / 10;
    if (total < 4 * perEpoch) {
      return; // a budget shorter than one 2-epoch cycle cannot follow the rule; covered below
    }
    long step = stepSize(BOUNDS.cyclic(CyclicPolicy.TRIANGULAR, perEpoch, total));
    assertTrue(step >= 2 * perEpoch && step <= 10 * perEpoch, step + " for " + perEpoch + "/epoch, " + total);
    long cycles = total / (2 * step);
    assertTrue(total - 2 * cycles * step < 2 * cycles, "leftover " + (total - 2 * cycles * step));
  }

  @Test
  void aShortBudgetIsOneCycle() {
    assertEquals(150, stepSize(BOUNDS.cyclic(CyclicPolicy.TRIANGULAR, 100, 300)));
  }

  @Test
  void oneCyclePeaksAtTheUpperBoundAndStartsAtTheLowerOrUpperOver25() {
    Schedule s = BOUNDS.oneCycle(1000);
    assertTrue(s.toString().startsWith("onecycle(max=0.006, total=1000, pct=0.3, div=25,"), s.toString());
    assertEquals(0.006 / 25, s.valueAt(0), 1e-12);
    Schedule wide = new Bounds(1e-4, 0.01).oneCycle(1000);
    assertTrue(wide.toString().contains("div=100,"), wide.toString());
    assertEquals(1e-4, wide.valueAt(0), 1e-12);
    assertParsesBack(s);
    Schedule equal = new Bounds(0.01, 0.01).oneCycle(1000);
    assertTrue(equal.toString().contains("div=25,"), equal.toString());
  }

  @Test
  void aSuggestionTurnsIntoASchedule() {
    Suggestion s = SuggestersTest.clean().suggestion();
    Schedule clr = s.bounds().cyclic(CyclicPolicy.TRIANGULAR, 100);
    assertEquals(s.upper(), clr.valueAt(400), 1e-15);
    assertParsesBack(clr);
  }

  @Test
  void roundedKeepsTwoSignificantDigitsAndTheOrder() {
    Bounds b = new Bounds(2.4999e-4, 9.999999999999998e-4).rounded(2);
    assertEquals(2.5e-4, b.lower(), 0.0);
    assertEquals(1e-3, b.upper(), 0.0);
    Bounds close = new Bounds(0.0123, 0.0124).rounded(1);
    assertEquals(0.01, close.lower(), 0.0);
    assertEquals(0.01, close.upper(), 0.0);
  }
}
