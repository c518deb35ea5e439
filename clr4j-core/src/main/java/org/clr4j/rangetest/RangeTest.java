package org.clr4j.rangetest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.clr4j.Checks;

/**
 * The learning-rate range test (Smith 2017, §3.3): train for a number of steps while the learning rate rises from
 * {@code startLr} to {@code endLr}, record the loss, stop early when it diverges, and suggest bounds.
 *
 * <pre>{@code
 * RangeTestResult result = RangeTest.builder().startLr(1e-6).endLr(10).steps(100).build().run(probe);
 * Schedule clr = result.suggestion().bounds().cyclic(CyclicPolicy.TRIANGULAR, itersPerEpoch);
 * }</pre>
 *
 * <p>Step {@code i} (0-based) trains at {@code startLr * (endLr/startLr)^(i/(steps-1))} (exponential) or
 * {@code startLr + (endLr-startLr) * i/(steps-1)} (linear, as in the paper), so the first step uses exactly
 * {@code startLr} and the last exactly {@code endLr}. After each step the loss enters a bias-corrected exponential
 * moving average {@code avg = beta*avg + (1-beta)*loss; smoothed = avg / (1 - beta^(i+1))}. The test stops after
 * a non-finite loss, or once at least {@code minSteps} steps ran, when both the smoothed loss and the step's own
 * loss exceed {@code divergenceFactor ×} the lowest smoothed loss so far (checked only while that is {@code > 0}).
 * With {@code evalEvery = k > 0} the probe evaluates after steps 0, k, 2k, ….
 *
 * <p>{@link Probe#close()} always runs, see {@link Probe}. Instances are immutable and reusable.
 */
public final class RangeTest {

  /** How the learning rate moves from start to end. */
  public enum Spacing {
    /** Evenly spaced in log(lr): the same number of steps per decade (fastai, PyTorch finders). */
    EXPONENTIAL,
    /** Evenly spaced in lr, as in Smith (2017). */
    LINEAR
  }

  /** Follows a test step by step, e.g. for a progress bar. */
  @FunctionalInterface
  public interface Listener {
    /** Called after every recorded step, the last one included; {@code steps} is the configured number. */
    void onStep(RangePoint point, int steps);

    /**
     * Called by {@link #runRepeats} before repeat {@code repeat} (from 0) of {@code repeats} begins; does nothing by
     * default.
     */
    default void onRepeat(int repeat, int repeats) {}
  }

  private final double startLr;
  private final double endLr;
  private final int steps;
  private final Spacing spacing;
  private final double beta;
  private final double divergenceFactor;
  private final int evalEvery;
  private final int minSteps;

  private RangeTest(Builder b) {
    this.startLr = b.startLr;
    this.endLr = b.endLr;
    this.steps = b.steps;
    this.spacing = b.spacing;
    this.beta = b.beta;
    this.divergenceFactor = b.divergenceFactor;
    this.evalEvery = b.evalEvery;
    this.minSteps = b.minSteps;
  }

  /** A builder with the defaults: 1e-6 to 10, 100 steps, exponential, beta 0.98, factor 4, no evaluation. */
  public static Builder builder() {
    return new Builder();
  }

  /** The learning rate of step {@code step}, {@code 0 <= step < steps}. */
  public double lrAt(int step) {
    if (step < 0 || step >= steps) {
      throw new IllegalArgumentException("step (" + step + ") must be in [0, " + steps + ")");
    }
    if (step == steps - 1) {
      return endLr;
    }
    double t = (double) step / (steps - 1);
    return spacing == Spacing.EXPONENTIAL ? startLr * Math.pow(endLr / startLr, t) : startLr + (endLr - startLr) * t;
  }

  public int steps() {
    return steps;
  }

  /** Runs the test without a listener. */
  public RangeTestResult run(Probe probe) {
    return run(probe, null);
  }

  /** Runs the test, calling {@code listener} (may be null) after each step. */
  public RangeTestResult run(Probe probe, Listener listener) {
    Checks.notNull("probe", probe);
    if (evalEvery > 0 && !probe.supportsEvaluation()) {
      throw new IllegalArgumentException("evalEvery (" + evalEvery + ") needs a probe that supports evaluation");
    }
    List<RangePoint> points = new ArrayList<>(steps);
    StopReason reason = StopReason.COMPLETED;
    try (probe) {
      probe.begin();
      double avg = 0;
      double best = Double.POSITIVE_INFINITY;
      for (int i = 0; i < steps; i++) {
        double lr = lrAt(i);
        double loss = probe.trainStep(lr);
        boolean finite = Double.isFinite(loss);
        double smoothed = Double.NaN;
        if (finite) {
          avg = beta * avg + (1 - beta) * loss;
          smoothed = avg / (1 - Math.pow(beta, i + 1));
        }
        double evalLoss = Double.NaN;
        double accuracy = Double.NaN;
        if (finite && evalEvery > 0 && i % evalEvery == 0) {
          Evaluation e = probe.evaluate();
          evalLoss = e.loss();
          accuracy = e.accuracy();
        }
        RangePoint point = new RangePoint(i, lr, loss, smoothed, evalLoss, accuracy);
        points.add(point);
        if (listener != null) {
          listener.onStep(point, steps);
        }
        if (!finite) {
          reason = StopReason.NON_FINITE_LOSS;
          break;
        }
        best = Math.min(best, smoothed);
        // both the average and this step's own loss: an isolated spike lifts the average for ~1/(1-beta) steps
        // but is gone from the raw loss a step later, while a real divergence keeps both high
        double limit = divergenceFactor * best;
        if (i + 1 >= minSteps && best > 0 && smoothed > limit && loss > limit) {
          reason = StopReason.DIVERGED;
          break;
        }
      }
    }
    return new RangeTestResult(points, reason);
  }

  /**
   * Runs the test {@code repeats} times, repeat {@code r} (from 0) through {@code probeOfRepeat.apply(r)}, and
   * summarizes the results: every method's median bounds and their spread. Each probe must start from the same
   * model (an engine adapter's probe restores it on close, so the next repeat starts where the first did) and
   * differ only in what should not matter: the data order, dropout. Each probe is closed before the next is made;
   * the first exception ends the run.
   *
   * @param listener may be null; told of each repeat ({@link Listener#onRepeat}) and each of its steps
   */
  public RangeTestRepeats runRepeats(int repeats, IntFunction<? extends Probe> probeOfRepeat, Listener listener) {
    Checks.atLeast("repeats", repeats, 1);
    Checks.notNull("probeOfRepeat", probeOfRepeat);
    List<RangeTestResult> results = new ArrayList<>(repeats);
    for (int r = 0; r < repeats; r++) {
      if (listener != null) {
        listener.onRepeat(r, repeats);
      }
      Probe probe = probeOfRepeat.apply(r);
      if (probe == null) {
        throw new IllegalArgumentException("probeOfRepeat returned null for repeat " + r);
      }
      results.add(run(probe, listener));
    }
    return RangeTestRepeats.of(results);
  }

  /** {@link #runRepeats(int, IntFunction, Listener)} without a listener. */
  public RangeTestRepeats runRepeats(int repeats, IntFunction<? extends Probe> probeOfRepeat) {
    return runRepeats(repeats, probeOfRepeat, null);
  }

  @Override
  public String toString() {
    return "RangeTest(start=" + Checks.format(startLr) + ", end=" + Checks.format(endLr) + ", steps=" + steps
        + ", spacing=" + spacing.name().toLowerCase(java.util.Locale.ROOT) + ", beta=" + Checks.format(beta)
        + ", divergence=" + Checks.format(divergenceFactor) + ", evalEvery=" + evalEvery + ", minSteps=" + minSteps
        + ")";
  }

  /** Validates each setting as it is set and the rules between them in {@link #build()}. */
  public static final class Builder {
    private double startLr = 1e-6;
    private double endLr = 10;
    private int steps = 100;
    private Spacing spacing = Spacing.EXPONENTIAL;
    private double beta = 0.98;
    private double divergenceFactor = 4;
    private int evalEvery;
    private int minSteps = 10;

    private Builder() {}

    /** The first learning rate; finite and {@code > 0}. Default 1e-6. */
    public Builder startLr(double startLr) {
      this.startLr = Checks.positive("startLr", startLr);
      return this;
    }

    /** The last learning rate; finite, {@code > startLr}. Default 10. */
    public Builder endLr(double endLr) {
      this.endLr = Checks.positive("endLr", endLr);
      return this;
    }

    /** The number of training steps, {@code >= 2}. Default 100. */
    public Builder steps(int steps) {
      this.steps = Checks.atLeast("steps", steps, 2);
      return this;
    }

    /** Default {@link Spacing#EXPONENTIAL}. */
    public Builder spacing(Spacing spacing) {
      this.spacing = Checks.notNull("spacing", spacing);
      return this;
    }

    /** EMA factor for the smoothed loss, in {@code [0, 1)}; 0 means no smoothing. Default 0.98 (fastai). */
    public Builder smoothing(double beta) {
      if (!(beta >= 0 && beta < 1)) {
        throw new IllegalArgumentException("smoothing (" + Checks.format(beta) + ") must be in [0, 1)");
      }
      this.beta = beta;
      return this;
    }

    /**
     * Stop once the smoothed loss and the step's loss exceed this multiple of the lowest smoothed loss; {@code > 1}, or
     * {@code Double.POSITIVE_INFINITY} never to stop for divergence. Default 4 (fastai).
     */
    public Builder divergenceFactor(double factor) {
      if (!(factor > 1)) {
        throw new IllegalArgumentException("divergenceFactor (" + Checks.format(factor) + ") must be > 1");
      }
      this.divergenceFactor = factor;
      return this;
    }

    /** Evaluate on held-out batches after every {@code k}-th step (steps 0, k, 2k, …); 0 = never. Default 0. */
    public Builder evalEvery(int k) {
      this.evalEvery = Checks.atLeast("evalEvery", k, 0);
      return this;
    }

    /**
     * Steps that always run before the divergence check may stop the test, so an early loss spike cannot end it;
     * {@code >= 1}. Default 10. A non-finite loss stops the test at any step.
     */
    public Builder minSteps(int minSteps) {
      this.minSteps = Checks.atLeast("minSteps", minSteps, 1);
      return this;
    }

    public RangeTest build() {
      Checks.strictlyOrdered("startLr", startLr, "endLr", endLr);
      if (minSteps > steps) {
        throw new IllegalArgumentException("minSteps (" + minSteps + ") must be <= steps (" + steps + ")");
      }
      return new RangeTest(this);
    }
  }
}
