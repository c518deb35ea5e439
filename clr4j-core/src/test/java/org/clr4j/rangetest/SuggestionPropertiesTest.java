package org.clr4j.rangetest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Whatever the curve, every suggestion is finite, ordered and inside the usable tested range. */
class SuggestionPropertiesTest {

  @Property(tries = 300)
  void suggestionsStayInsideTheTestedRange(@ForAll long seed, @ForAll @IntRange(min = 2, max = 300) int steps,
      @ForAll @DoubleRange(min = 0, max = 0.5) double noise, @ForAll @IntRange(min = 0, max = 3) int shape,
      @ForAll @IntRange(min = -1, max = 300) int nanAt, @ForAll @IntRange(min = 0, max = 5) int spikes,
      @ForAll boolean linear) {
    Random random = new Random(seed);
    double start = Math.pow(10, -7 + 3 * random.nextDouble());
    double end = start * Math.pow(10, 0.5 + 7 * random.nextDouble());
    double centre = Math.log10(start) + (Math.log10(end) - Math.log10(start)) * random.nextDouble();
    int[] step = {0};
    Probe probe = new Probe() {
      double last;

      @Override
      public double trainStep(double lr) {
        int i = step[0]++;
        last = Math.log10(lr);
        if (i == nanAt) {
          return random.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY;
        }
        double x = last - centre;
        double base = switch (shape) {
          case 0 -> 2 - Math.tanh(x) + Math.max(0, x) * Math.max(0, x);
          case 1 -> 1;
          case 2 -> 1 + Math.exp(x);
          default -> 3 * random.nextDouble();
        };
        double loss = base * (1 + noise * random.nextGaussian());
        return random.nextInt(Math.max(1, steps)) < spikes ? loss * 1000 : Math.abs(loss);
      }

      @Override
      public boolean supportsEvaluation() {
        return true;
      }

      @Override
      public Evaluation evaluate() {
        double acc = 0.1 + 0.8 / (1 + Math.exp(-(last - centre) * 3)) + noise * 0.2 * random.nextGaussian();
        return new Evaluation(1 - acc, acc);
      }
    };
    RangeTest test = RangeTest.builder().startLr(start).endLr(end).steps(steps).minSteps(Math.min(10, steps))
        .spacing(linear ? RangeTest.Spacing.LINEAR : RangeTest.Spacing.EXPONENTIAL)
        .evalEvery(1 + random.nextInt(5)).build();
    RangeTestResult r = test.run(probe);
    assertEquals(SuggestionMethod.values().length, r.suggestions().size() + r.failures().size());
    double lo = r.points().get(0).lr();
    double hi = r.points().get(r.points().size() - 1).lr();
    for (Suggestion s : r.suggestions().values()) {
      assertTrue(Double.isFinite(s.lower()) && Double.isFinite(s.upper()), s.toString());
      assertTrue(s.lower() <= s.upper(), s.toString());
      assertTrue(s.lower() >= lo && s.upper() <= hi, s + " outside " + lo + ".." + hi);
      assertTrue(!s.reason().isBlank() && !s.reason().contains("\n") && !s.reason().contains("NaN"), s.reason());
      for (int i : s.markedSteps()) {
        assertTrue(i >= 0 && i < r.points().size());
      }
    }
    for (String why : r.failures().values()) {
      assertTrue(!why.isBlank() && !why.contains("\n"), why);
    }
  }
}
