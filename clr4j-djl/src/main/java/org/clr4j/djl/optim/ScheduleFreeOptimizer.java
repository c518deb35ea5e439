package org.clr4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.clr4j.Checks;
import org.clr4j.djl.Batches;
import org.clr4j.schedule.Schedule;

/**
 * Schedule-Free learning (Defazio et al., "The Road Less Scheduled", arXiv 2405.15682): momentum replaced by an
 * interpolation between two sequences, and the schedule's decay by an average. Per parameter it keeps {@code z}
 * (the base optimizer's iterate) and {@code x} (the weighted average of the {@code z}s, the point to evaluate);
 * the model's weights hold {@code y}, where the gradient is taken. One step, with {@code γ_t} the step's rate (the
 * schedule's value; AdamW multiplies it by {@code sqrt(1 - b2^t)}) and {@code β} the interpolation weight:
 *
 * <pre>
 *   z = z - γ_t·d(y, g)                       the base step: {@link ScheduleFreeSgd}, {@link ScheduleFreeAdamW}
 *   c = γ_t² / Σ_{i≤t} γ_i²                   (0 while the sum is 0)
 *   x = (1 - c)·x + c·z
 *   y = β·x + (1 - β)·z                       written into the weights, as x + (1 - β)·(z - x)
 * </pre>
 *
 * <p>At a parameter's first update {@code z} and {@code x} start at its weights. The learning rate follows a clr4j
 * {@link Schedule}, usually {@code warmup(steps=N, then=constant(lr=L))}; the paper's warm-up is that schedule. A
 * schedule that cycles momentum is rejected: {@code β} is fixed.
 *
 * <p><b>Evaluation uses x.</b> {@link #eval()} writes {@code x} into the weights, {@link #train()} writes {@code y}
 * back (recomputed from {@code z} and {@code x} with the very operations of the step, so the round trip is exact);
 * an update in eval mode fails before anything changes. With batch norm, call {@link #recalibrateBatchNorm} before
 * evaluating: the running statistics the layers kept during training are those of {@code y}.
 *
 * <p><b>State.</b> Besides the per-parameter buffers the optimizer keeps one number, {@code Σγ²} ({@link
 * #weightSum()}), which {@link #snapshot()} and {@link #restore} carry, so that a restore and the same steps give
 * the same bits. Both require train mode: the weights saved or restored with the state must be {@code y}.
 */
public abstract class ScheduleFreeOptimizer extends ScheduledOptimizer {

  static final int Z = 0;
  static final int X = 1;

  private static final int ONE_MINUS_BETA = 0;
  private static final int C = 1;
  private static final int ONE_MINUS_C = 2;

  private final ModeGuard guard;
  private final double beta;
  private final float oneMinusBeta;
  private final Engines.Scalars scalars = new Engines.Scalars(3);

  /** Σγ² over the optimizer's updates 1..{@link #sumUpdates}. */
  private double weightSum;
  private long sumUpdates;

  /** Every parameter copy updated so far: its buffers (by identity) and the weight array it was last updated in. */
  private final Map<NDArray[], NDArray> copies = new LinkedHashMap<>();
  /** Parameters of the last restored state that had no copy yet; eval() cannot reach their weights. */
  private final Set<String> unreached = new LinkedHashSet<>();

  ScheduleFreeOptimizer(Builder<?> builder, double beta) {
    super(guarded(builder), beta);
    this.guard = (ModeGuard) builder.schedule();
    builder.schedule(guard.schedule); // the builder as its caller left it
    this.beta = beta;
    this.oneMinusBeta = (float) (1 - beta);
  }

  /** Wraps the builder's schedule in the guard that refuses updates in eval mode before the base class steps. */
  private static Builder<?> guarded(Builder<?> builder) {
    Schedule s = builder.schedule();
    if (s instanceof ModeGuard g) {
      s = g.schedule; // a builder used before
    }
    if (s != null) {
      if (s.hasMomentum()) {
        throw new IllegalArgumentException(
            "schedule " + s + " cycles momentum, but Schedule-Free's interpolation weight is fixed (set it with"
                + " momentum(...) or beta1(...)); use a schedule without momentum, e.g. warmup(steps=..., then="
                + "constant(lr=...)) or onecycle(..., momentum=none)");
      }
      builder.schedule(new ModeGuard(s));
    }
    return builder;
  }

  /** The schedule followed. */
  @Override
  public Schedule schedule() {
    return guard.schedule;
  }

  /** The interpolation weight {@code β} between {@code x} and {@code z}: {@code y = β·x + (1 - β)·z}. */
  double interpolation() {
    return beta;
  }

  /**
   * Moves {@code z} one step from the weights {@code y} with gradient {@code grad} (rescaled and clipped), with
   * the schedule's rate {@code lr}; {@code count} is the parameter copy's update count, from 1.
   */
  abstract void stepZ(NDArray[] slots, long count, NDArray y, NDArray grad, float lr);

  /** {@code γ_t} of optimizer update {@code update} (from 1) at schedule rate {@code lr}, as the average weighs it. */
  abstract double rate(float lr, long update);

  @Override
  final void apply(NDArray[] slots, long count, NDArray weight, NDArray grad, float lr, double momentum) {
    if (guard.eval) { // the guard has refused the step already, unless eval() was called in the middle of one
      throw guard.refusal();
    }
    if (copies.put(slots, weight) == null) {
      prune();
    }
    NDArray z = slots[Z];
    NDArray x = slots[X];
    if (count == 1) {
      copy(weight, z);
      copy(weight, x);
    }
    stepZ(slots, count, weight, grad, lr);
    double c = averagingWeight(rate(lr, updates()));
    x.muli(scalars.get(ONE_MINUS_C, (float) (1 - c), x));
    try (NDArray cz = z.mul(scalars.get(C, (float) c, z))) {
      x.addi(cz);
    }
    interpolate(x, z, weight);
  }

  /** {@code c_{t+1} = γ_t²/Σγ²}, adding {@code γ_t²} to the sum at the first copy updated in this step. */
  private double averagingWeight(double gamma) {
    long u = updates();
    double g2 = gamma * gamma;
    if (u != sumUpdates) {
      weightSum += g2;
      sumUpdates = u;
    }
    return weightSum > 0 ? Math.min(1, g2 / weightSum) : 0;
  }

  /**
   * {@code y = β·x + (1 - β)·z}, computed as {@code x + (1 - β)·(z - x)} (exactly {@code x} where {@code z = x}), in
   * place in {@code y}: the step and {@link #train()} share it, bit for bit.
   */
  private void interpolate(NDArray x, NDArray z, NDArray y) {
    try (NDArray t = z.sub(x)) {
      t.muli(scalars.get(ONE_MINUS_BETA, oneMinusBeta, z));
      copy(x, y);
      y.addi(t);
    }
  }

  private static void copy(NDArray from, NDArray to) {
    to.set(new NDIndex("..."), from);
  }

  /** Forgets copies whose buffers or weights were closed (with their NDManager). */
  private void prune() {
    copies.entrySet().removeIf(e -> e.getKey()[Z].isReleased() || e.getValue().isReleased());
  }

  /** Whether the weights hold {@code x} (after {@link #eval()}) rather than {@code y}. */
  public boolean evalMode() {
    return guard.eval;
  }

  /**
   * Writes {@code x} into the weights of every parameter this optimizer has updated (each device copy), for
   * evaluation; {@link #train()} undoes it. Nothing happens before the first update (then {@code x = y}), nor
   * when already in eval mode.
   *
   * @throws IllegalStateException if a parameter has restored state but no update since {@link #restore}: its
   *     weights are out of this optimizer's reach until its first step
   */
  public void eval() {
    if (guard.eval) {
      return;
    }
    unreached.removeIf(id -> copyCount(id) > 0);
    if (!unreached.isEmpty()) {
      throw new IllegalStateException(
          "eval() cannot reach the weights of parameter(s) " + unreached + ": they have restored state but no"
              + " update since restore(); take a training step first");
    }
    prune();
    forEachCopy((slots, w) -> copy(slots[X], w));
    guard.eval = true;
  }

  /**
   * Writes {@code y = β·x + (1 - β)·z} back into the weights, bit for bit what the last step wrote, so training can
   * go on. Nothing happens in train mode.
   */
  public void train() {
    if (!guard.eval) {
      return;
    }
    prune();
    forEachCopy((slots, w) -> interpolate(slots[X], slots[Z], w));
    guard.eval = false;
  }

  private void forEachCopy(java.util.function.BiConsumer<NDArray[], NDArray> action) {
    for (Map.Entry<NDArray[], NDArray> e : copies.entrySet()) {
      NDArray w = e.getValue();
      boolean gradMode = Engines.disableGradMode(w);
      try {
        action.accept(e.getKey(), w);
      } finally {
        Engines.restoreGradMode(gradMode);
      }
    }
  }

  /**
   * Recomputes the batch-norm running statistics at {@code x}, as the authors prescribe before evaluating: switches
   * to eval mode ({@link #eval()}), then runs up to {@code maxBatches} of {@code batches} (training batches) forward
   * in training mode without gradient, split across the trainer's devices as a training step splits them. Every
   * layer that updates statistics in training mode (DJL's {@code BatchNorm}) updates them as in training, with its
   * own momentum {@code m}: after {@code n} batches the running mean is {@code m^n·old + (1 - m)·Σ m^(n-i)·mean_i}
   * of the batches' statistics at {@code x} (the variance likewise, with PyTorch's unbiased batch variance); with
   * DJL's default {@code m = 0.9}, 50 batches leave {@code 0.9^50 ≈ 0.5%} of the old statistics. Other layers with
   * training-mode behaviour (dropout) run as in training. The optimizer stays in eval mode: evaluate, then call
   * {@link #train()}. Each batch used is closed.
   *
   * @return how many batches were used
   * @throws IllegalArgumentException if {@code maxBatches < 1} or {@code batches} yields none
   */
  public int recalibrateBatchNorm(Trainer trainer, Iterable<Batch> batches, int maxBatches) {
    Checks.atLeast("maxBatches", maxBatches, 1);
    Objects.requireNonNull(trainer, "trainer");
    Objects.requireNonNull(batches, "batches");
    eval();
    Iterator<Batch> it = batches.iterator();
    int used = 0;
    while (used < maxBatches && it.hasNext()) {
      try (Batch batch = it.next()) {
        for (Batch share : Batches.shares(trainer, batch)) {
          NDList data = share.getData();
          boolean gradMode = Engines.disableGradMode(data.head());
          try {
            trainer.forward(data).close();
          } finally {
            Engines.restoreGradMode(gradMode);
          }
        }
      }
      used++;
    }
    if (used == 0) {
      throw new IllegalArgumentException("batches (none) must yield at least one batch");
    }
    return used;
  }

  /** {@code Σγ²} over the updates so far: the normaliser of the average's weights. */
  public double weightSum() {
    return weightSum;
  }

  /**
   * A copy of all state, as {@link ScheduledOptimizer#snapshot()}, plus {@link #weightSum()}.
   *
   * @throws IllegalStateException in eval mode: call {@link #train()} first, so that the weights saved with the
   *     state are {@code y}
   */
  @Override
  public OptimizerState snapshot() {
    requireTrainMode("snapshot()");
    return super.snapshot().withScalars(new double[] {weightSum});
  }

  /**
   * Makes the state equal to {@code state}, as {@link ScheduledOptimizer#restore}, including {@link #weightSum()};
   * the weights restored with it are taken to be {@code y}.
   *
   * @throws IllegalStateException in eval mode: call {@link #train()} first
   * @throws IllegalArgumentException if {@code state} is of another kind, or lacks the sum
   */
  @Override
  public void restore(OptimizerState state) {
    Objects.requireNonNull(state, "state");
    requireTrainMode("restore()");
    state.checkOpen();
    double[] numbers = state.scalars();
    if (state.kind().equals(kind())
        && (numbers.length != 1 || !(numbers[0] >= 0) || numbers[0] == Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "state optimizer numbers (" + java.util.Arrays.toString(numbers) + ") must be one finite sum of squared"
              + " learning rates >= 0, as a " + kind() + " snapshot holds");
    }
    super.restore(state); // checks the kind and the buffers before changing anything
    weightSum = numbers[0];
    sumUpdates = state.updates();
    unreached.clear();
    for (String id : state.parameterIds()) {
      if (copyCount(id) == 0) {
        unreached.add(id);
      }
    }
    prune();
  }

  private void requireTrainMode(String what) {
    if (guard.eval) {
      throw new IllegalStateException(
          what + " in eval mode (the weights hold x): call train() first, so that the weights saved or restored"
              + " with the state are y");
    }
  }

  /**
   * The schedule, behind a check that refuses updates in eval mode: {@link ScheduledOptimizer} reads the rate
   * before it changes any state, so the refusal leaves the optimizer as it was.
   */
  private static final class ModeGuard implements Schedule {
    final Schedule schedule;
    boolean eval;

    ModeGuard(Schedule schedule) {
      this.schedule = schedule;
    }

    IllegalStateException refusal() {
      return new IllegalStateException(
          "update in eval mode (the weights hold x, not y): call train() before training steps");
    }

    @Override
    public double valueAt(long step) {
      if (eval) {
        throw refusal();
      }
      return schedule.valueAt(step);
    }

    @Override
    public double momentumAt(long step) {
      return schedule.momentumAt(step);
    }

    @Override
    public long endStep() {
      return schedule.endStep();
    }

    @Override
    public boolean hasMomentum() {
      return schedule.hasMomentum();
    }

    @Override
    public String toString() {
      return schedule.toString();
    }
  }

  /** What both Schedule-Free builders share: the schedule and step offset of every scheduled optimizer. */
  public abstract static class Builder<T extends Builder<T>> extends ScheduledOptimizer.Builder<T> {
    Builder() {}
  }
}
