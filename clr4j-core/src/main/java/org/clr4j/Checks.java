package org.clr4j;

/**
 * Argument checks whose messages name the parameter, its value and the rule broken, e.g.
 * {@code maxLr (-0.1) must be > 0}. Every check is NaN-safe: it is written so that NaN fails it.
 */
public final class Checks {
  private Checks() {}

  /** {@code value} must be finite and {@code > 0}. */
  public static double positive(String name, double value) {
    if (!(value > 0) || value == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(name + " (" + format(value) + ") must be finite and > 0");
    }
    return value;
  }

  /** {@code value} must be finite and {@code >= 0}. */
  public static double nonNegative(String name, double value) {
    if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(name + " (" + format(value) + ") must be finite and >= 0");
    }
    return value;
  }

  /** {@code value} must be finite. */
  public static double finite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " (" + format(value) + ") must be finite");
    }
    return value;
  }

  /** {@code value} must lie in the half-open interval {@code (0, 1]}. */
  public static double inZeroOne(String name, double value) {
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " (" + format(value) + ") must be in (0, 1]");
    }
    return value;
  }

  /** {@code value} must lie in the open interval {@code (0, 1)}. */
  public static double inOpenZeroOne(String name, double value) {
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException(name + " (" + format(value) + ") must be in (0, 1)");
    }
    return value;
  }

  /** {@code value} must lie in {@code [0, 1)}, as a momentum or Adam's beta1 must. */
  public static double momentum(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " (" + format(value) + ") must be in [0, 1)");
    }
    return value;
  }

  /**
   * A momentum range cycled opposite to the rate: both ends in {@code [0, 1)} and {@code low <= high}; the messages
   * name them {@code baseMomentum} and {@code maxMomentum}, as PyTorch does.
   */
  public static void momentumRange(double low, double high) {
    momentum("baseMomentum", low);
    momentum("maxMomentum", high);
    ordered("baseMomentum", low, "maxMomentum", high);
  }

  /** {@code value} must be at least {@code min}. */
  public static long atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " (" + value + ") must be >= " + min);
    }
    return value;
  }

  /** {@code value} must be at least {@code min}. */
  public static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " (" + value + ") must be >= " + min);
    }
    return value;
  }

  /** {@code low <= high}. */
  public static void ordered(String lowName, double low, String highName, double high) {
    if (!(low <= high)) {
      throw new IllegalArgumentException(
          lowName + " (" + format(low) + ") must be <= " + highName + " (" + format(high) + ")");
    }
  }

  /** {@code low < high}. */
  public static void strictlyOrdered(String lowName, double low, String highName, double high) {
    if (!(low < high)) {
      throw new IllegalArgumentException(
          lowName + " (" + format(low) + ") must be < " + highName + " (" + format(high) + ")");
    }
  }

  /** A non-null argument. */
  public static <T> T notNull(String name, T value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }

  /**
   * The shortest text that parses back to exactly {@code value}: whole numbers without a fraction ({@code 1000}),
   * others as Java prints them with a lower-case exponent ({@code 0.1}, {@code 1e-4}).
   */
  public static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    String s = Double.toString(value);
    int e = s.indexOf('E');
    if (e < 0) {
      return s;
    }
    String mantissa = s.substring(0, e);
    if (mantissa.endsWith(".0")) {
      mantissa = mantissa.substring(0, mantissa.length() - 2);
    }
    return mantissa + "e" + s.substring(e + 1);
  }
}
