package org.clr4j.rangetest;

import static org.clr4j.rangetest.Analysis.num;

import java.util.List;

/**
 * Upper bound = a tenth of the learning rate at which the loss blows up: the first rate past the smoothed loss's
 * minimum where it exceeds {@link #BLOW_UP} × that minimum without coming back down, or where the loss turned
 * non-finite. Lower bound = upper / 4. The blow-up is the sharpest feature of a range test, so this is the least
 * sensitive to noise near the flat bottom of the curve; one decade below it is the classic "largest rate that still
 * trains" rule of thumb, and it is what measured best as a 1cycle peak (docs/BENCHMARKS.md).
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
    double limit = BLOW_UP * a.curve[min];
    // Where training fails is the blow-up it does not come back from: the last stretch over which the smoothed loss
    // stays above the limit. A spike that recovers (a bad batch, a transient at a high rate that momentum absorbs)
    // or a ragged stretch below the limit would otherwise put the bound a decade or two too low.
    int stretch = a.n;
    while (stretch - 1 > min && a.curve[stretch - 1] > limit) {
      stretch--;
    }
    int blowUp = -1;
    for (int i = stretch; i < a.n; i++) {
      if (a.loss[i] > limit) {
        blowUp = i;
        break;
      }
    }
    int spike = -1;
    for (int i = min + 1; i < stretch; i++) {
      if (a.loss[i] > limit && a.curve[i] > limit / 2) {
        spike = i;
        break;
      }
    }
    String recovered = spike < 0 ? "" : " (a spike at lr=" + num(a.lr[spike]) + " recovered)";
    String how;
    if (blowUp >= 0) {
      how = "loss blows up (over " + num(BLOW_UP) + "× its minimum " + num(a.curve[min]) + ") at lr="
          + num(a.lr[blowUp]) + recovered;
    } else if (a.points.size() > a.n) {
      blowUp = a.n - 1;
      how = "loss turns non-finite after lr=" + num(a.lr[blowUp]) + recovered;
    } else {
      throw new CannotSuggest("the loss never blew up for good (it ended under " + num(BLOW_UP)
          + "× its minimum at lr=" + num(a.lr[a.n - 1]) + recovered + "); raise endLr");
    }
    Bounds bounds = a.boundsBelow(a.lr[blowUp] / 10);
    return new Suggestion(SuggestionMethod.DIVERGENCE, bounds, how + "; upper = that/10, lower = upper/4",
        List.of(blowUp));
  }
}
