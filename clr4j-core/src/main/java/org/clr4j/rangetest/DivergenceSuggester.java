package org.clr4j.rangetest;

import static org.clr4j.rangetest.Analysis.num;

import java.util.List;

/**
 * Upper bound = a tenth of the learning rate at which the loss blows up: the first rate past the smoothed loss's
 * minimum where it exceeds {@link #BLOW_UP} × that minimum, or where the loss turned non-finite. Lower bound =
 * upper / 4. The blow-up is the sharpest feature of a range test, so this is the least sensitive to noise near the
 * flat bottom of the curve; one decade below it is the classic "largest rate that still trains" rule of thumb,
 * and it is what measured best as a 1cycle peak (docs/BENCHMARKS.md).
 */
final class DivergenceSuggester implements Suggester {
  static final int MIN_POINTS = 10;
  static final double BLOW_UP = 4;

  @Override
  public Suggestion suggest(Analysis a) {
    a.requireUsable("divergence", MIN_POINTS);
    int min = a.skip;
    for (int i = a.skip + 1; i < a.n; i++) {
      if (a.curve[i] < a.curve[min]) {
        min = i;
      }
    }
    int blowUp = -1;
    for (int i = min + 1; i < a.n; i++) {
      if (a.loss[i] > BLOW_UP * a.curve[min] && a.curve[i] > BLOW_UP * a.curve[min] / 2) {
        blowUp = i;
        break;
      }
    }
    String how;
    if (blowUp >= 0) {
      how = "loss blows up (over " + num(BLOW_UP) + "× its minimum " + num(a.curve[min]) + ") at lr="
          + num(a.lr[blowUp]);
    } else if (a.points.size() > a.n) {
      blowUp = a.n - 1;
      how = "loss turns non-finite after lr=" + num(a.lr[blowUp]);
    } else {
      throw new CannotSuggest("the loss never blew up (it stayed under " + num(BLOW_UP) + "× its minimum up to lr="
          + num(a.lr[a.n - 1]) + "); raise endLr");
    }
    Bounds bounds = a.boundsBelow(a.lr[blowUp] / 10);
    return new Suggestion(SuggestionMethod.DIVERGENCE, bounds, how + "; upper = that/10, lower = upper/4",
        List.of(blowUp));
  }
}
