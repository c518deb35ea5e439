package org.clr4j.schedule;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators of valid schedules of every kind, nested ones included (clr4j-dl4j's tests use it too). */
public final class RandomSchedules {
  private RandomSchedules() {}

  static Arbitrary<Double> rate() {
    return Arbitraries.doubles().between(-6, 1).ofScale(8).map(e -> Math.pow(10, e));
  }

  static Arbitrary<Long> steps() {
    return Arbitraries.longs().between(1, 5000);
  }

  static Arbitrary<Double> unitInterval() {
    return Arbitraries.doubles().between(0.5, 1.0).ofScale(8);
  }

  static Arbitrary<double[]> momentumPair() {
    return Combinators.combine(Arbitraries.doubles().between(0, 0.99).ofScale(8), Arbitraries.doubles().between(0, 0.99).ofScale(8))
        .as((a, b) -> new double[] {Math.min(a, b), Math.max(a, b)});
  }

  static Arbitrary<Schedule> cyclic() {
    return Combinators.combine(Arbitraries.of(CyclicPolicy.class), rate(), rate(), steps(), steps(),
            Arbitraries.integers().between(0, 7), unitInterval(), momentumPair())
        .as((policy, a, b, up, down, flags, g, mom) -> {
          CyclicScheduleBuilder builder = Schedules.cyclic(policy)
              .baseLr(Math.min(a, b)).maxLr(Math.max(a, b)).stepSizeUp(up);
          if ((flags & 1) != 0) {
            builder.stepSizeDown(down);
          }
          if ((flags & 2) != 0) {
            builder.momentum(mom[0], mom[1]);
          }
          if ((flags & 4) != 0) {
            builder.decay(0.999 + 0.001 * g);
          }
          if (policy == CyclicPolicy.EXP_RANGE) {
            builder.gamma(0.99 + 0.01 * g);
          }
          return builder.build();
        });
  }

  static Arbitrary<Schedule> oneCycle() {
    return Combinators.combine(rate(), Arbitraries.longs().between(30, 100_000),
            Arbitraries.doubles().between(0.06, 0.45).ofScale(8), Arbitraries.doubles().between(1, 100).ofScale(8),
            Arbitraries.doubles().between(1, 1e5).ofScale(8), Arbitraries.of(Anneal.class), Arbitraries.of(false, true),
            momentumPair())
        .as((max, total, pct, div, finalDiv, anneal, three, mom) -> Schedules.oneCycle().maxLr(max)
            .totalSteps(total).pctStart(pct).divFactor(div).finalDivFactor(finalDiv).anneal(anneal)
            .threePhase(three).momentum(mom[0], mom[1]).build());
  }

  static Arbitrary<Schedule> baseline() {
    return Arbitraries.oneOf(
        rate().map(Schedules::constant),
        Combinators.combine(rate(), steps(), unitInterval()).as(Schedules::stepDecay),
        Combinators.combine(rate(), unitInterval()).as((lr, g) -> Schedules.exponential(lr, 0.99 + 0.01 * g)),
        Combinators.combine(rate(), steps(), unitInterval()).as((lr, t, f) -> Schedules.cosine(lr, t, lr * (1 - f))),
        Combinators.combine(rate(), steps(), Arbitraries.longs().between(1, 3), unitInterval())
            .as((lr, t, m, f) -> Schedules.cosineRestarts(lr, t, m, lr * (1 - f))));
  }

  static Arbitrary<Schedule> simple() {
    return Arbitraries.oneOf(cyclic(), oneCycle(), baseline());
  }

  /** Any schedule, possibly a warm-up or a sequence of other schedules. */
  public static Arbitrary<Schedule> any() {
    return Arbitraries.oneOf(simple(),
        Combinators.combine(steps(), Arbitraries.doubles().between(0, 1e-3).ofScale(8), simple()).as(Schedules::warmup),
        Combinators.combine(simple(), steps(), simple()).as(Schedules::sequence));
  }
}
