package org.clr4j.rangetest;

import java.util.Arrays;
import org.clr4j.Checks;

/**
 * The median, smallest and largest of a few learning rates, e.g. one bound as several range-test repeats suggested it.
 *
 * <p>The median of an odd count is the middle value; of an even count, the geometric mean of the two middle values:
 * learning rates live on a log scale (the sweep is exponential), where the arithmetic mean of 1e-3 and 1e-1 (0.05)
 * would sit 50× above the one and only 2× below the other; the geometric mean (1e-2) sits 10× from each.
 *
 * @param median the median; {@code min <= median <= max}
 * @param min    the smallest value; finite and {@code > 0}
 * @param max    the largest value; finite and {@code >= min}
 */
public record Spread(double median, double min, double max) {

  public Spread {
    Checks.positive("min", min);
    Checks.positive("max", max);
    Checks.positive("median", median);
    Checks.ordered("min", min, "median", median);
    Checks.ordered("median", median, "max", max);
  }

  /**
   * The spread of {@code values}: at least one, each finite and {@code > 0} (a NaN, an infinity, zero or a negative
   * value is refused, naming its position, e.g. {@code values[2] (NaN) must be finite and > 0}).
   */
  public static Spread of(double... values) {
    Checks.notNull("values", values);
    Checks.atLeast("values.length", values.length, 1);
    double[] v = values.clone();
    for (int i = 0; i < v.length; i++) {
      Checks.positive("values[" + i + "]", v[i]);
    }
    Arrays.sort(v);
    int n = v.length;
    double median = n % 2 == 1 ? v[n / 2] : geometricMean(v[n / 2 - 1], v[n / 2]);
    return new Spread(median, v[0], v[n - 1]);
  }

  /**
   * {@code sqrt(a·b)} for {@code 0 < a <= b}, computed without overflow or underflow and kept in {@code [a, b]};
   * exactly {@code a} when {@code a == b}. Non-decreasing in each argument (each operation rounds monotonically),
   * so medians keep the order of what they summarize: a median lower bound never exceeds the median upper bound.
   */
  static double geometricMean(double a, double b) {
    if (a == b) {
      return a;
    }
    double g = Math.sqrt(a) * Math.sqrt(b);
    return Math.min(Math.max(g, a), b);
  }

  /** {@code max / min}: 1 when every value is the same, 4 when they span a factor of four. */
  public double ratio() {
    return max / min;
  }

  /** E.g. {@code 0.049 (0.032..0.062, max/min 1.9)}, two significant digits. */
  @Override
  public String toString() {
    return Analysis.num(median) + " (" + Analysis.num(min) + ".." + Analysis.num(max) + ", max/min "
        + Analysis.num(ratio()) + ")";
  }
}
