package org.clr4j.rangetest;

/** Synthetic range-test curves with known answers, as functions of x = log10(lr). */
final class Curves {
  private Curves() {}

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /**
   * Loss 1 + a fall of 1 centred at x = -3 (steepest there: slope -0.625 per decade) + a blow-up 2·(x+1)² beyond
   * x = -1; its minimum lies at x ≈ -0.996.
   */
  static double loss(double x) {
    return 1 + sigmoid(-(x + 3) / 0.4) + 2 * Math.pow(Math.max(0, x + 1), 2);
  }

  /** Accuracy 0.1, rising linearly in log lr from 1e-3 to 1e-2 up to 0.9, flat to 1e-1, collapsing by 10^-0.5. */
  static double accuracy(double x) {
    if (x <= -3) {
      return 0.1;
    }
    if (x <= -2) {
      return 0.1 + 0.8 * (x + 3);
    }
    if (x <= -1) {
      return 0.9;
    }
    return Math.max(0.1, 0.9 - 1.6 * (x + 1));
  }

  /** x of the minimum of {@link #loss}, by golden-section search. */
  static double lossMinimum() {
    double a = -2;
    double b = 0;
    for (int i = 0; i < 200; i++) {
      double m1 = a + (b - a) * 0.382;
      double m2 = a + (b - a) * 0.618;
      if (loss(m1) < loss(m2)) {
        b = m2;
      } else {
        a = m1;
      }
    }
    return (a + b) / 2;
  }
}
