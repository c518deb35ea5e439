package org.clr4j.tuning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.clr4j.Checks;

/**
 * Chooses a weight decay by short runs, per Smith's disciplined approach (arXiv 1803.09820, §4.3): train briefly at
 * each candidate, with the same schedule and a few seeds, and keep the candidate whose runs end best by the
 * {@link WeightDecayCriterion criterion} (mean over seeds). The runs themselves are the caller's ({@link Trial}): any
 * engine, any model. A candidate with a diverged run ranks below every candidate without one; among equal means the
 * smaller weight decay wins (large rates regularize, so the recipe wants no more of the other regularization than
 * pays).
 *
 * <p>The candidates, seeds and criterion are chosen by measurement (docs/RANGE_TEST.md, "Automatic weight decay").
 */
public final class WeightDecaySearch {
  /** The default candidates: none, and the decades Smith suggests trying, around clr4j's former fixed 5e-4. */
  public static final List<Double> DEFAULT_CANDIDATES = List.of(0.0, 1e-4, 5e-4, 1e-3);
  /** Seeds per candidate by default. */
  public static final int DEFAULT_SEEDS = 1;
  /** The criterion by default. */
  public static final WeightDecayCriterion DEFAULT_CRITERION = WeightDecayCriterion.HELD_OUT_LOSS;

  /** What a short run ended with on the held-out samples: NaN (or an infinite loss) when it diverged. */
  public record Outcome(double loss, double accuracy) {
    /** A run that diverged. */
    public static final Outcome DIVERGED = new Outcome(Double.NaN, Double.NaN);
  }

  /** Every candidate diverged: the runs leave nothing to choose. */
  public static final class AllDiverged extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    AllDiverged(String message) {
      super(message);
    }
  }

  /** One short training run at a weight decay and a seed. */
  @FunctionalInterface
  public interface Trial {
    /** Trains briefly with {@code weightDecay} and {@code seed} and returns what it ends with on held-out data. */
    Outcome run(double weightDecay, long seed);
  }

  /** Follows a search: called after each trial. */
  @FunctionalInterface
  public interface Listener {
    void trialDone(WeightDecayTrial trial, int done, int total);
  }

  private final List<Double> candidates;
  private final int seeds;
  private final WeightDecayCriterion criterion;

  private WeightDecaySearch(Builder b) {
    this.candidates = b.candidates;
    this.seeds = b.seeds;
    this.criterion = b.criterion;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The search with the default candidates and seeds. */
  public static WeightDecaySearch defaults() {
    return builder().build();
  }

  public List<Double> candidates() {
    return candidates;
  }

  public int seeds() {
    return seeds;
  }

  public WeightDecayCriterion criterion() {
    return criterion;
  }

  /** Trials this search runs: candidates × seeds. */
  public int trials() {
    return candidates.size() * seeds;
  }

  /**
   * Runs every candidate with seeds {@code firstSeed, firstSeed + 1, …} (seed-major: each seed sees every candidate
   * before the next seed starts) and chooses.
   *
   * @param listener follows the trials (nullable)
   */
  public WeightDecayChoice run(Trial trial, long firstSeed, Listener listener) {
    Checks.notNull("trial", trial);
    List<WeightDecayTrial> done = new ArrayList<>();
    for (int s = 0; s < seeds; s++) {
      for (double wd : candidates) {
        long seed = firstSeed + s;
        long start = System.nanoTime();
        Outcome outcome = Checks.notNull("outcome", trial.run(wd, seed));
        WeightDecayTrial t = new WeightDecayTrial(wd, seed, outcome.loss(), outcome.accuracy(),
            (System.nanoTime() - start) / 1e9);
        done.add(t);
        if (listener != null) {
          listener.trialDone(t, done.size(), trials());
        }
      }
    }
    return choose(done, criterion);
  }

  /**
   * The rule: the weight decay whose trials have the best mean by {@code criterion}; a candidate with a diverged
   * trial ranks below any without; among equal means, the smallest weight decay.
   *
   * @throws IllegalArgumentException when {@code trials} is empty
   * @throws AllDiverged when every candidate diverged (an outcome of the runs, not of the arguments)
   */
  public static WeightDecayChoice choose(List<WeightDecayTrial> trials, WeightDecayCriterion criterion) {
    Checks.notNull("trials", trials);
    Checks.notNull("criterion", criterion);
    double[] candidates = trials.stream().mapToDouble(WeightDecayTrial::weightDecay).distinct().sorted().toArray();
    if (candidates.length == 0) {
      throw new IllegalArgumentException("trials (none) must hold at least one run");
    }
    double best = Double.NaN;
    double bestMean = Double.NaN;
    StringBuilder each = new StringBuilder();
    for (double wd : candidates) {
      double mean = mean(trials, wd, criterion);
      if (!Double.isNaN(mean) && (Double.isNaN(bestMean) || criterion.better(mean, bestMean))) {
        best = wd;
        bestMean = mean;
      }
      each.append(each.length() == 0 ? "" : ", ").append(Checks.format(wd)).append(": ")
          .append(Double.isNaN(mean) ? "diverged" : criterion == WeightDecayCriterion.HELD_OUT_ACCURACY
              ? percent(mean) : String.format(Locale.ROOT, "%.4f", mean));
    }
    if (Double.isNaN(best)) {
      throw new AllDiverged("every weight decay tried (" + each + ") diverged in " + trials.size()
          + " runs: no choice");
    }
    long runs = trials.stream().filter(t -> t.weightDecay() == candidates[0]).count();
    String reason = String.format(Locale.ROOT, "%s mean %s of short runs (%d per value): %s",
        criterion == WeightDecayCriterion.HELD_OUT_ACCURACY ? "highest" : "lowest", criterion.words(), runs, each);
    return new WeightDecayChoice(best, trials, reason);
  }

  /**
   * The mean of {@code criterion}'s figure over {@code weightDecay}'s trials in {@code trials}: NaN when one diverged
   * (a diverged run disqualifies its candidate) or none ran.
   */
  static double mean(List<WeightDecayTrial> trials, double weightDecay, WeightDecayCriterion criterion) {
    double sum = 0;
    int n = 0;
    for (WeightDecayTrial t : trials) {
      if (t.weightDecay() == weightDecay) {
        if (t.diverged()) {
          return Double.NaN;
        }
        sum += criterion.of(t);
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static String percent(double accuracy) {
    return String.format(Locale.ROOT, "%.2f %%", 100 * accuracy);
  }

  /** Validating builder; each setter checks its value at once. */
  public static final class Builder {
    private List<Double> candidates = DEFAULT_CANDIDATES;
    private int seeds = DEFAULT_SEEDS;
    private WeightDecayCriterion criterion = DEFAULT_CRITERION;

    private Builder() {}

    /** What the trials are compared by. */
    public Builder optCriterion(WeightDecayCriterion criterion) {
      this.criterion = Checks.notNull("criterion", criterion);
      return this;
    }

    /** Weight decays to try: at least two, each finite and {@code >= 0}, no repeats. */
    public Builder optCandidates(List<Double> candidates) {
      Checks.notNull("candidates", candidates);
      if (candidates.size() < 2) {
        throw new IllegalArgumentException("candidates (" + candidates + ") must hold at least two weight decays to "
            + "choose between");
      }
      for (int i = 0; i < candidates.size(); i++) {
        Checks.nonNegative("candidates[" + i + "]", Checks.notNull("candidates[" + i + "]", candidates.get(i)));
      }
      if (candidates.stream().map(wd -> wd + 0.0).distinct().count() < candidates.size()) {
        throw new IllegalArgumentException("candidates (" + candidates + ") must not repeat a value");
      }
      this.candidates = candidates.stream().map(wd -> wd + 0.0).toList(); // -0.0 is 0
      return this;
    }

    /** Seeds (runs) per candidate, {@code >= 1}. */
    public Builder optSeeds(int seeds) {
      this.seeds = Checks.atLeast("seeds", seeds, 1);
      return this;
    }

    public WeightDecaySearch build() {
      return new WeightDecaySearch(this);
    }
  }
}
