package org.clr4j.schedule;

/** How 1cycle moves between two values within a phase. */
public enum Anneal {
  /** Half a cosine wave: {@code end + (start - end) / 2 * (cos(pi * pct) + 1)}. */
  COS("cos"),
  /** A straight line: {@code (end - start) * pct + start}. */
  LINEAR("linear");

  private final String specName;

  Anneal(String specName) {
    this.specName = specName;
  }

  public String specName() {
    return specName;
  }

  double apply(double start, double end, double pct) {
    if (this == COS) {
      double cosOut = Math.cos(Math.PI * pct) + 1;
      return end + (start - end) / 2.0 * cosOut;
    }
    return (end - start) * pct + start;
  }

  public static Anneal fromSpecName(String name) {
    for (Anneal a : values()) {
      if (a.specName.equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("anneal (" + name + ") must be cos or linear");
  }
}
