package org.clr4j.rangetest;

import static org.clr4j.rangetest.Analysis.num;

import java.util.List;

/**
 * The learning rate at the smoothed loss's minimum, divided by {@code divisor}. With 10 it is fastai's
 * {@code minimum} (for training at a fixed rate, where the minimum itself is too high); with 1 it is the largest
 * rate at which the loss still falls, the peak Smith and Topin give 1cycle. Lower bound = upper / 4.
 */
final class MinimumSuggester implements Suggester {
  static final int MIN_POINTS = 10;
  private final SuggestionMethod method;
  private final double divisor;

  MinimumSuggester(SuggestionMethod method, double divisor) {
    this.method = method;
    this.divisor = divisor;
  }

  @Override
  public Suggestion suggest(Analysis a) {
    a.requireUsable(method.cliName(), MIN_POINTS);
    int min = a.skip;
    for (int i = a.skip + 1; i < a.n; i++) {
      if (a.curve[i] < a.curve[min]) {
        min = i;
      }
    }
    Bounds bounds = a.boundsBelow(a.lr[min] / divisor);
    String note = min == a.n - 1 ? "; the loss was still falling at the end, so raise endLr" : "";
    return new Suggestion(method, bounds, "smoothed loss is lowest (" + num(a.curve[min]) + ") at lr="
        + num(a.lr[min]) + (divisor == 1 ? "; upper = that" : "; upper = that/" + num(divisor))
        + ", lower = upper/4" + note, List.of(min));
  }
}
