package org.clr4j.rangetest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Whatever the values and the repeats: medians are order statistics, bounds stay ordered and inside the sweep. */
class RangeTestRepeatsPropertiesTest {

  @Property(tries = 500)
  void aSpreadIsTheMedianMinAndMaxOfItsValues(@ForAll @Size(min = 1, max = 12) List<@DoubleRange(min = -12,
      max = 2) Double> logs, @ForAll long seed) {
    double[] v = logs.stream().mapToDouble(x -> Math.pow(10, x)).toArray();
    Spread s = Spread.of(v);
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    int n = v.length;
    assertEquals(sorted[0], s.min());
    assertEquals(sorted[n - 1], s.max());
    assertTrue(s.min() <= s.median() && s.median() <= s.max(), s.toString());
    if (n % 2 == 1) {
      assertEquals(sorted[n / 2], s.median());
    } else {
      double a = sorted[n / 2 - 1];
      double b = sorted[n / 2];
      assertTrue(s.median() >= a && s.median() <= b, s.toString());
      assertEquals(Math.sqrt(a) * Math.sqrt(b), s.median(), 1e-15 * b);
    }
    assertTrue(s.ratio() >= 1);
    // the order of the values does not matter
    List<Double> shuffled = new ArrayList<>();
    for (double x : v) {
      shuffled.add(x);
    }
    Collections.shuffle(shuffled, new Random(seed));
    assertEquals(s, Spread.of(shuffled.stream().mapToDouble(Double::doubleValue).toArray()));
  }

  @Property(tries = 300)
  void aNonFiniteOrNonPositiveValueAnywhereIsRefusedNamingIt(@ForAll @Size(min = 1, max = 8) List<@DoubleRange(
      min = -9, max = 1) Double> logs, @ForAll @IntRange(min = 0, max = 7) int at, @ForAll @IntRange(min = 0,
      max = 4) int kind) {
    double[] v = logs.stream().mapToDouble(x -> Math.pow(10, x)).toArray();
    int i = at % v.length;
    v[i] = switch (kind) {
      case 0 -> Double.NaN;
      case 1 -> Double.POSITIVE_INFINITY;
      case 2 -> Double.NEGATIVE_INFINITY;
      case 3 -> 0;
      default -> -v[i];
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Spread.of(v));
    assertTrue(e.getMessage().startsWith("values[" + i + "] (") && e.getMessage().endsWith(") must be finite and > 0"),
        e.getMessage());
  }

  /** Medians keep the order of what they summarize, for any pairs lower <= upper. */
  @Property(tries = 500)
  void theMedianLowerNeverExceedsTheMedianUpper(@ForAll @Size(min = 1, max = 9) List<@DoubleRange(min = -9,
      max = 1) Double> logUpper, @ForAll long seed) {
    Random random = new Random(seed);
    int n = logUpper.size();
    double[] upper = new double[n];
    double[] lower = new double[n];
    for (int i = 0; i < n; i++) {
      upper[i] = Math.pow(10, logUpper.get(i));
      // equal, a hair below, or well below
      lower[i] = switch (random.nextInt(3)) {
        case 0 -> upper[i];
        case 1 -> Math.nextDown(upper[i]);
        default -> upper[i] / (1 + 100 * random.nextDouble());
      };
    }
    Spread lo = Spread.of(lower);
    Spread hi = Spread.of(upper);
    assertTrue(lo.median() <= hi.median(), lo + " vs " + hi);
    new Bounds(lo.median(), hi.median());
  }

  /** Repeats of random curves (noise, spikes, NaN, flat): the summary is the medians of the repeats that decided. */
  @Property(tries = 150)
  void repeatsOfAnyCurvesSummarizeAsTheirMedians(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int count,
      @ForAll @IntRange(min = 10, max = 120) int steps, @ForAll @DoubleRange(min = 0, max = 0.4) double noise) {
    Random random = new Random(seed);
    RangeTest test = RangeTest.builder().startLr(1e-6).endLr(10).steps(steps).evalEvery(1 + random.nextInt(4))
        .build();
    List<RangeTestResult> results = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      results.add(test.run(randomProbe(random, noise, steps)));
    }
    RangeTestRepeats r = RangeTestRepeats.of(results);
    assertEquals(count, r.count());
    assertEquals(SuggestionMethod.values().length, r.suggestions().size() + r.failures().size());
    for (SuggestionMethod m : SuggestionMethod.values()) {
      List<Integer> decided = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        if (results.get(i).suggestions().containsKey(m)) {
          decided.add(i);
        }
      }
      if (decided.isEmpty()) {
        assertTrue(r.failures().containsKey(m), m.toString());
        assertThrows(IllegalStateException.class, () -> r.suggestion(m));
        String why = r.failures().get(m);
        assertTrue(!why.isBlank() && !why.contains("\n"), why);
        continue;
      }
      RepeatedSuggestion s = r.suggestion(m);
      assertEquals(decided, s.decidingRepeats());
      assertEquals(count - decided.size(), s.failures().size());
      for (Map.Entry<Integer, String> f : s.failures().entrySet()) {
        assertEquals(results.get(f.getKey()).failures().get(m), f.getValue());
      }
      double[] lowers = decided.stream().mapToDouble(i -> results.get(i).suggestion(m).lower()).toArray();
      double[] uppers = decided.stream().mapToDouble(i -> results.get(i).suggestion(m).upper()).toArray();
      assertEquals(Spread.of(lowers), s.lowerSpread());
      assertEquals(Spread.of(uppers), s.upperSpread());
      assertEquals(new Bounds(s.lowerSpread().median(), s.upperSpread().median()), s.bounds());
      assertTrue(s.lower() <= s.upper() && s.lower() >= 1e-6 && s.upper() <= 10, s.toString());
      assertTrue(decided.contains(s.nearestMedian()));
      assertTrue(!s.reason().contains("\n") && !s.reason().contains("NaN"), s.reason());
    }
    // the summary does not depend on the order the repeats ran in (but for which repeat quotes its reason)
    List<RangeTestResult> reversed = new ArrayList<>(results);
    Collections.reverse(reversed);
    RangeTestRepeats back = RangeTestRepeats.of(reversed);
    assertEquals(r.suggestions().keySet(), back.suggestions().keySet());
    for (SuggestionMethod m : r.suggestions().keySet()) {
      assertEquals(r.suggestion(m).bounds(), back.suggestion(m).bounds());
      assertEquals(r.suggestion(m).upperSpread(), back.suggestion(m).upperSpread());
    }
    int rows = results.stream().mapToInt(x -> x.points().size()).sum();
    assertEquals(1 + rows, r.toCsv().lines().count());
  }

  private static Probe randomProbe(Random random, double noise, int steps) {
    int shape = random.nextInt(4);
    int nanAt = random.nextInt(3) == 0 ? random.nextInt(steps) : -1;
    double centre = -5 + 5 * random.nextDouble();
    long seed = random.nextLong();
    return new Probe() {
      final Random r = new Random(seed);
      int step;
      double last;

      @Override
      public double trainStep(double lr) {
        int i = step++;
        last = Math.log10(lr);
        if (i == nanAt) {
          return Double.NaN;
        }
        double x = last - centre;
        double base = switch (shape) {
          case 0 -> 2 - Math.tanh(x) + Math.max(0, x) * Math.max(0, x);
          case 1 -> 1;
          case 2 -> 1 + Math.exp(x);
          default -> 3 * r.nextDouble();
        };
        double loss = base * (1 + noise * r.nextGaussian());
        return r.nextInt(50) == 0 ? Math.abs(loss) * 1000 : Math.abs(loss);
      }

      @Override
      public boolean supportsEvaluation() {
        return true;
      }

      @Override
      public Evaluation evaluate() {
        double acc = 0.1 + 0.8 / (1 + Math.exp(-(last - centre) * 3)) + noise * 0.2 * r.nextGaussian();
        return new Evaluation(1 - acc, acc);
      }
    };
  }
}
