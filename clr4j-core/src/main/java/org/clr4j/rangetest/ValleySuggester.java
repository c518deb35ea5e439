package org.clr4j.rangetest;

import static org.clr4j.rangetest.Analysis.num;

import java.util.List;

/**
 * fastai's {@code valley}: the longest strictly decreasing subsequence of the smoothed loss (after the skipped
 * start) is the valley; the suggestion lies at {@code start + floor(len/3) + floor(len/6)} (about half-way, in
 * steps) along it, where {@code len} is the number of steps from its first to its last point. Unlike fastai, which
 * estimates the start as {@code end - length}, this takes the subsequence's actual first point. Lower = upper / 4.
 */
final class ValleySuggester implements Suggester {
  static final int MIN_POINTS = 10;

  @Override
  public Suggestion suggest(Analysis a) {
    a.requireUsable("valley", MIN_POINTS);
    int from = a.skip;
    int m = a.n - from;
    int[] length = new int[m];
    int[] first = new int[m];
    int end = 0;
    for (int i = 0; i < m; i++) {
      length[i] = 1;
      first[i] = i;
      for (int j = 0; j < i; j++) {
        if (a.curve[from + i] < a.curve[from + j] && length[j] + 1 > length[i]) {
          length[i] = length[j] + 1;
          first[i] = first[j];
        }
      }
      if (length[i] > length[end]) {
        end = i;
      }
    }
    if (length[end] < 2) {
      throw new CannotSuggest("the smoothed loss never falls between lr=" + num(a.lr[from]) + " and lr="
          + num(a.lr[a.n - 1]) + "; start the test at a lower learning rate");
    }
    int start = from + first[end];
    int stop = from + end;
    int span = stop - start;
    int idx = start + span / 3 + span / 6;
    Bounds bounds = a.boundsBelow(a.lr[idx]);
    return new Suggestion(SuggestionMethod.VALLEY, bounds, "longest loss valley runs from lr=" + num(a.lr[start])
        + " to lr=" + num(a.lr[stop]) + "; upper = lr=" + num(a.lr[idx]) + " part-way down it, lower = upper/4",
        List.of(start, idx, stop));
  }
}
