package org.clr4j.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

class SchedulePropertiesTest {
  private static final double TOL = 1e-12;

  @Provide
  Arbitrary<Schedule> anySchedule() {
    return RandomSchedules.any();
  }

  @Provide
  Arbitrary<Schedule> cyclic() {
    return RandomSchedules.cyclic();
  }

  @Provide
  Arbitrary<Schedule> oneCycle() {
    return RandomSchedules.oneCycle();
  }

  @Property
  void specRoundTripsToAnEqualSchedule(@ForAll("anySchedule") Schedule schedule) {
    Schedule parsed = Schedule.parse(schedule.toString());
    assertEquals(schedule, parsed);
    assertEquals(schedule.hashCode(), parsed.hashCode());
    assertEquals(schedule.toString(), parsed.toString());
  }

  @Property
  void everyValueIsFiniteAndPositive(@ForAll("anySchedule") Schedule schedule,
      @ForAll @LongRange(max = 10_000_000) long step) {
    double lr = schedule.valueAt(step);
    assertTrue(Double.isFinite(lr) && lr >= 0, schedule + " at " + step + " gave " + lr);
    double m = schedule.momentumAt(step);
    assertTrue(Double.isNaN(m) ? true : m >= 0 && m < 1, schedule + " momentum " + m);
  }

  @Property
  void cyclicRatesStayWithinTheDecayedBounds(@ForAll("cyclicParts") CyclicParts c,
      @ForAll @LongRange(max = 1_000_000) long step) {
    Schedule s = c.build();
    double d = Math.pow(c.decay, step);
    double lr = s.valueAt(step);
    assertTrue(lr >= c.base * d * (1 - TOL) && lr <= c.max * d * (1 + TOL), s + " at " + step + ": " + lr);
  }

  @Property
  void triangularRepeatsEveryCycle(@ForAll("cyclicParts") CyclicParts c, @ForAll @LongRange(max = 1_000_000) long step) {
    c.policy = CyclicPolicy.TRIANGULAR;
    c.decay = 1;
    Schedule s = c.build();
    long period = c.up + c.down;
    // The rate follows PyTorch's double formula (x = 1 + step/period - cycle), whose rounding error grows with
    // step/period: allow a few ulps of it, scaled by the amplitude (a wrong period is off by ~1/period).
    double x = positionError(step + 3 * period, c.up, c.down);
    assertEquals(s.valueAt(step), s.valueAt(step + period), x * (c.max - c.base) + Math.ulp(c.max));
    assertEquals(s.momentumAt(step), s.momentumAt(step + 3 * period),
        x * (c.highMomentum - c.lowMomentum) + Math.ulp(1.0));
  }

  /**
   * Bound on the rounding error of the cycle position (0 at base, 1 at the peak) at {@code step}: a few ulps of
   * {@code 1 + step/period}, magnified by the division by the shorter half's share of the cycle.
   */
  private static double positionError(long step, long up, long down) {
    double period = up + down;
    return 4 * Math.ulp(1 + step / period) * period / Math.min(up, down);
  }

  @Property
  void triangular2HalvesTheAmplitudeEachCycle(@ForAll("cyclicParts") CyclicParts c,
      @ForAll @LongRange(min = 1, max = 20) long cycle) {
    c.policy = CyclicPolicy.TRIANGULAR2;
    c.decay = 1;
    Schedule s = c.build();
    long period = c.up + c.down;
    long peak = (cycle - 1) * period + c.up;
    double amplitude = s.valueAt(peak) - c.base;
    double next = s.valueAt(peak + period) - c.base;
    assertEquals(c.max - c.base, amplitude * Math.pow(2, cycle - 1), 1e-9 * c.max);
    assertEquals(amplitude / 2, next, 1e-9 * c.max);
  }

  @Property
  void momentumMovesOppositeToTheRate(@ForAll("cyclicParts") CyclicParts c,
      @ForAll @LongRange(max = 1_000_000) long step) {
    c.decay = 1;
    Schedule s = c.build();
    if (c.max == c.base || c.highMomentum == c.lowMomentum) {
      return;
    }
    double lrPosition = (s.valueAt(step) - c.base) / (c.max - c.base);
    double momentumPosition = (c.highMomentum - s.momentumAt(step)) / (c.highMomentum - c.lowMomentum);
    assertEquals(lrPosition, momentumPosition, 1e-6);
  }

  @Property
  void decayShrinksBothBoundsByTheSameFactor(@ForAll("cyclicParts") CyclicParts c,
      @ForAll @LongRange(max = 1_000_000) long step) {
    Schedule decayed = c.build();
    double decay = c.decay;
    c.decay = 1;
    Schedule plain = c.build();
    assertEquals(plain.valueAt(step) * Math.pow(decay, step), decayed.valueAt(step),
        1e-12 * plain.valueAt(step));
    assertEquals(plain.momentumAt(step), decayed.momentumAt(step), 0.0);
    // At the start of every cycle the rate is the decayed lower bound, at every peak the decayed upper bound.
    long period = c.up + c.down;
    long cycleStart = (step / period) * period;
    assertEquals(c.base * Math.pow(decay, cycleStart), decayed.valueAt(cycleStart), 1e-9 * c.max);
    if (c.policy == CyclicPolicy.TRIANGULAR) {
      long peak = cycleStart + c.up;
      assertEquals(c.max * Math.pow(decay, peak), decayed.valueAt(peak), 1e-9 * c.max);
    }
  }

  @Property
  void oneCycleStaysBetweenItsFloorAndPeakAndEndsAtTheFloor(@ForAll("oneCycle") Schedule s,
      @ForAll @LongRange(max = 200_000) long step) {
    OneCycleSchedule o = (OneCycleSchedule) s;
    double lr = s.valueAt(step);
    double last = s.valueAt(o.totalSteps() - 1);
    // The peak is the configured maximum, not a sampled one: a sample grid can step over the peak step
    // (seed -5467034602538619048 hit step 745 between samples 744 and 756).
    assertTrue(lr >= last * (1 - TOL) && lr <= o.maxLr() * (1 + TOL), s + " at " + step + ": " + lr);
    // Past the end it holds the final value instead of extrapolating or throwing.
    assertEquals(last, s.valueAt(o.totalSteps() + step), 0.0);
    assertEquals(s.momentumAt(o.totalSteps() - 1), s.momentumAt(o.totalSteps() + step), 0.0);
  }

  @Example
  void oneCycleWhosePeakFallsBetweenSampledStepsStaysBelowItsMaximum() {
    // The case CI found: the rate at step 745 is above every step the old sampled-peak check looked at.
    OneCycleSchedule s = (OneCycleSchedule) Schedule.parse(
        "onecycle(max=1, total=12390, pct=0.06013407, div=1.00065461, final_div=1, anneal=linear, phases=2,"
            + " momentum=0:0)");
    double atPeakStep = s.valueAt(745);
    assertTrue(atPeakStep > s.valueAt(744) && atPeakStep > s.valueAt(756), "745 is a local maximum");
    assertTrue(atPeakStep <= s.maxLr(), "at 745: " + atPeakStep);
  }

  @Property
  void sequenceIsContinuousWithItsParts(@ForAll("anySchedule") Schedule first, @ForAll("anySchedule") Schedule then,
      @ForAll @LongRange(min = 1, max = 100_000) long at) {
    Schedule seq = first.then(at, then);
    assertEquals(first.valueAt(at - 1), seq.valueAt(at - 1), 0.0);
    assertEquals(then.valueAt(0), seq.valueAt(at), 0.0);
    assertEquals(then.valueAt(17), seq.valueAt(at + 17), 0.0);
    assertEquals(first.hasMomentum() || then.hasMomentum(), seq.hasMomentum());
  }

  @Property
  void warmupRisesLinearlyIntoTheSchedule(@ForAll("anySchedule") Schedule then,
      @ForAll @LongRange(min = 1, max = 10_000) long steps) {
    Schedule w = then.afterWarmup(steps, 0.0);
    assertEquals(0.0, w.valueAt(0), 0.0);
    assertEquals(then.valueAt(0), w.valueAt(steps), 0.0);
    double half = w.valueAt(steps / 2);
    assertEquals(then.valueAt(0) * (steps / 2) / (double) steps, half, 1e-12 * then.valueAt(0));
  }

  /** Mutable parts of a cyclic schedule, so one property can vary a single field. */
  static final class CyclicParts {
    CyclicPolicy policy;
    double base;
    double max;
    long up;
    long down;
    double lowMomentum;
    double highMomentum;
    double decay;

    Schedule build() {
      CyclicScheduleBuilder b = Schedules.cyclic(policy).baseLr(base).maxLr(max).stepSizeUp(up).stepSizeDown(down)
          .momentum(lowMomentum, highMomentum).decay(decay);
      if (policy == CyclicPolicy.EXP_RANGE) {
        b.gamma(0.9999);
      }
      return b.build();
    }

    @Override
    public String toString() {
      return build().toString();
    }
  }

  @Provide
  Arbitrary<CyclicParts> cyclicParts() {
    return Combinators.combine(Arbitraries.of(CyclicPolicy.class), RandomSchedules.rate(), RandomSchedules.rate(),
            RandomSchedules.steps(), RandomSchedules.steps(), RandomSchedules.momentumPair(),
            Arbitraries.doubles().between(0.99999, 1.0).ofScale(8))
        .as((policy, a, b, up, down, mom, decay) -> {
          CyclicParts c = new CyclicParts();
          c.policy = policy;
          c.base = Math.min(a, b);
          c.max = Math.max(a, b);
          c.up = up;
          c.down = down;
          c.lowMomentum = mom[0];
          c.highMomentum = mom[1];
          c.decay = decay;
          return c;
        });
  }
}
