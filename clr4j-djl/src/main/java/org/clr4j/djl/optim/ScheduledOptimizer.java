package org.clr4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.optimizer.Optimizer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.clr4j.Checks;
import org.clr4j.schedule.Schedule;

/**
 * A DJL {@link Optimizer} whose learning rate, and momentum (SGD) or beta1 (Adam), follow a clr4j
 * {@link Schedule} at every step, with PyTorch's update equations. Plug it into DJL with
 * {@code new DefaultTrainingConfig(loss).optOptimizer(ScheduledSgd.builder()...build())}.
 *
 * <p><b>Steps.</b> Each parameter counts its own updates from 1, as DJL's optimizers do; the optimizer's update
 * count is the largest of them, so all parameters of one {@code trainer.step()} share it, and the schedule step
 * is {@code stepOffset + updates - 1}: the first step is schedule step {@code stepOffset} (0 by default). Adam's
 * bias correction uses the parameter's own count, as PyTorch's {@code state['step']}.
 *
 * <p><b>Gradients.</b> The gradient is first multiplied by {@code rescaleGrad} (DJL's
 * {@code setRescaleGrad}, default 1), then clipped element-wise to {@code [-clipGrad, clipGrad]} when
 * {@code optClipGrad} is set to a value {@code > 0} (DJL's convention: {@code < 0} turns clipping off), then
 * the optimizer's weight decay applies. After the update the weight's own gradient is zeroed, as DJL's built-in
 * PyTorch optimizers do.
 *
 * <p><b>State.</b> {@link #snapshot()} and {@link #restore(OptimizerState)} copy all state (buffers and update
 * counts) bit for bit, so a checkpoint or an LR range test can rewind training exactly; {@link #save} and
 * {@link #load} write and read it. One device per parameter is supported (no multi-device data parallelism).
 * Updates are expected one at a time, from one thread, as DJL's trainer makes them.
 */
public abstract class ScheduledOptimizer extends Optimizer {

  private final Schedule schedule;
  private final double defaultMomentum;
  private final float clip;
  private final float weightDecay;
  private long stepOffset;
  private long updates;
  private final Map<String, ParamState> states = new LinkedHashMap<>();

  private long valuesStep = -1;
  private float lr;
  private double momentum;

  ScheduledOptimizer(Builder<?> builder, double defaultMomentum) {
    super(builder);
    if (builder.schedule == null) {
      throw new IllegalStateException("no learning-rate schedule: call schedule(...) before build()");
    }
    this.schedule = builder.schedule;
    this.defaultMomentum = defaultMomentum;
    this.stepOffset = builder.stepOffset;
    this.weightDecay = (float) Checks.nonNegative("weightDecay", getWeightDecay());
    if (Float.isNaN(clipGrad) || clipGrad == 0 || clipGrad == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          "clipGrad (" + Checks.format(clipGrad) + ") must be finite and > 0, or < 0 to turn clipping off");
    }
    this.clip = clipGrad > 0 ? clipGrad : 0;
    Checks.positive("rescaleGrad", rescaleGrad);
  }

  /** The kind written into saved state, e.g. {@code sgd}; a state restores only into the same kind. */
  abstract String kind();

  /** How many state arrays (shaped like the weight) each parameter keeps. */
  abstract int slotCount();

  /**
   * Applies one update in place. {@code grad} is already rescaled and clipped; autograd is off.
   *
   * @param count this parameter's update count, from 1
   */
  abstract void apply(NDArray[] slots, long count, NDArray weight, NDArray grad, float lr, double momentum);

  @Override
  public final void update(String parameterId, NDArray weight, NDArray grad) {
    ParamState st = states.get(parameterId);
    long count = st == null ? 1 : st.count + 1;
    long newUpdates = Math.max(updates, count);
    refresh(stepOffset + newUpdates - 1); // may throw: nothing is changed before it
    if (st == null) {
      st = new ParamState(slotCount());
      states.put(parameterId, st);
    }
    st.prepare(parameterId, weight);
    st.count = count;
    updates = newUpdates;

    boolean gradMode = Engines.disableGradMode(weight);
    NDArray g = grad;
    try {
      if (rescaleGrad != 1f) {
        g = grad.mul(rescaleGrad);
      }
      if (clip > 0) {
        NDArray clipped = g.clip(-clip, clip);
        if (g != grad) {
          g.close();
        }
        g = clipped;
      }
      apply(st.slots, count, weight, g, lr, momentum);
    } finally {
      if (g != grad) {
        g.close();
      }
      Engines.zeroGradient(weight);
      Engines.restoreGradMode(gradMode);
    }
  }

  private void refresh(long step) {
    if (step == valuesStep) {
      return;
    }
    double value = schedule.valueAt(step);
    if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
      throw new IllegalStateException(
          "schedule " + schedule + " gives lr (" + Checks.format(value) + ") at step " + step
              + "; it must be finite and >= 0");
    }
    double m = schedule.momentumAt(step);
    if (Double.isNaN(m)) {
      m = defaultMomentum;
    } else if (!(m >= 0 && m < 1)) {
      throw new IllegalStateException(
          "schedule " + schedule + " gives momentum (" + Checks.format(m) + ") at step " + step
              + "; it must be in [0, 1)");
    }
    lr = (float) value;
    momentum = m;
    valuesStep = step;
  }

  /** The schedule followed. */
  public Schedule schedule() {
    return schedule;
  }

  /** The schedule step of this optimizer's first update. */
  public long stepOffset() {
    return stepOffset;
  }

  /** Sets the schedule step of the first update, e.g. to resume part way through a schedule. */
  public void setStepOffset(long stepOffset) {
    this.stepOffset = Checks.atLeast("stepOffset", stepOffset, 0L);
  }

  /** How many updates (training steps) this optimizer has made: the largest per-parameter update count. */
  public long updates() {
    return updates;
  }

  /** The schedule step the next update will use: {@code stepOffset() + updates()}. */
  public long nextStep() {
    return stepOffset + updates;
  }

  /** The weight decay ({@code optWeightDecays}). */
  public float weightDecay() {
    return weightDecay;
  }

  /** The element-wise gradient clip ({@code optClipGrad}), or 0 when clipping is off. */
  public float clipGradValue() {
    return clip;
  }

  /**
   * An independent copy of all optimizer state: every parameter's buffers and update count, and the optimizer's
   * update count. The copy owns its arrays (close it when done) and is unaffected by later updates.
   */
  public OptimizerState snapshot() {
    Map<String, OptimizerState.Entry> entries = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, ParamState> e : states.entrySet()) {
        NDArray[] slots = e.getValue().slots;
        NDArray[] copies = new NDArray[slots.length];
        entries.put(e.getKey(), new OptimizerState.Entry(e.getValue().count, copies));
        for (int i = 0; i < slots.length; i++) {
          copies[i] = slots[i].duplicate();
          copies[i].detach();
        }
      }
    } catch (RuntimeException ex) {
      new OptimizerState(kind(), updates, entries).close();
      throw ex;
    }
    return new OptimizerState(kind(), updates, entries);
  }

  /**
   * Makes this optimizer's state equal, bit for bit, to {@code state}. Buffers that already exist are
   * overwritten in place, so arrays referenced elsewhere stay valid; parameters absent from {@code state} lose
   * their state (it restarts at zero, as for a new parameter). {@code state} is copied and stays usable.
   *
   * @throws IllegalArgumentException if {@code state} was saved by another kind of optimizer, or a buffer's
   *     shape or data type differs from this optimizer's
   */
  public void restore(OptimizerState state) {
    Objects.requireNonNull(state, "state");
    state.checkOpen();
    if (!state.kind().equals(kind())) {
      throw new IllegalArgumentException(
          "state kind (" + state.kind() + ") must match this optimizer's kind (" + kind() + ")");
    }
    int slots = slotCount();
    for (Map.Entry<String, OptimizerState.Entry> e : state.entries().entrySet()) {
      NDArray[] src = e.getValue().arrays();
      if (src.length != slots) {
        throw new IllegalArgumentException(
            "state of parameter " + e.getKey() + " has " + src.length + " buffers; this optimizer keeps " + slots
                + " (was momentum turned on or off?)");
      }
      ParamState st = states.get(e.getKey());
      for (int i = 0; st != null && i < slots; i++) {
        if (!src[i].getShape().equals(st.slots[i].getShape())
            || src[i].getDataType() != st.slots[i].getDataType()) {
          throw new IllegalArgumentException(
              "state of parameter " + e.getKey() + " has a " + src[i].getDataType() + " buffer of shape "
                  + src[i].getShape() + "; this optimizer's is " + st.slots[i].getDataType() + " "
                  + st.slots[i].getShape());
        }
      }
    }
    for (Iterator<Map.Entry<String, ParamState>> it = states.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, ParamState> e = it.next();
      if (!state.entries().containsKey(e.getKey())) {
        e.getValue().close();
        it.remove();
      }
    }
    for (Map.Entry<String, OptimizerState.Entry> e : state.entries().entrySet()) {
      NDArray[] src = e.getValue().arrays();
      ParamState st = states.get(e.getKey());
      if (st == null) {
        st = new ParamState(slots);
        st.adopt(src);
        states.put(e.getKey(), st);
      } else {
        for (int i = 0; i < slots; i++) {
          copyInto(src[i], st.slots[i]);
        }
      }
      st.count = e.getValue().count();
    }
    updates = state.updates();
    valuesStep = -1;
  }

  /** Writes {@link #snapshot()} to {@code out}; see {@link OptimizerState#save}. */
  public void save(DataOutputStream out) throws IOException {
    try (OptimizerState s = snapshot()) {
      s.save(out);
    }
  }

  /** Reads state written by {@link #save} and {@linkplain #restore restores} it. */
  public void load(DataInputStream in, NDManager manager) throws IOException {
    try (OptimizerState s = OptimizerState.load(in, manager)) {
      restore(s);
    }
  }

  private static void copyInto(NDArray src, NDArray target) {
    if (src.getDevice().equals(target.getDevice())) {
      target.set(new NDIndex("..."), src);
    } else {
      try (NDArray moved = src.toDevice(target.getDevice(), true)) {
        target.set(new NDIndex("..."), moved);
      }
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + schedule + ")";
  }

  /** One parameter's update count and buffers. */
  private static final class ParamState {
    final NDArray[] slots;
    long count;
    /** Buffers restored before the parameter was seen: detached copies, attached at its first update. */
    boolean adopted;

    ParamState(int slotCount) {
      slots = new NDArray[slotCount];
    }

    void adopt(NDArray[] src) {
      for (int i = 0; i < src.length; i++) {
        slots[i] = src[i].duplicate();
        slots[i].detach();
      }
      adopted = true;
    }

    void prepare(String parameterId, NDArray weight) {
      if (slots.length == 0) {
        return;
      }
      if (slots[0] == null) {
        for (int i = 0; i < slots.length; i++) {
          // attached to the weight's manager, so the state lives and dies with the model
          slots[i] = weight.zerosLike();
        }
      } else if (adopted) {
        for (int i = 0; i < slots.length; i++) {
          if (!slots[i].getShape().equals(weight.getShape())) {
            throw new IllegalArgumentException(
                "restored state of parameter " + parameterId + " has shape " + slots[i].getShape()
                    + "; the weight's is " + weight.getShape());
          }
          if (!slots[i].getDevice().equals(weight.getDevice())) {
            NDArray moved = slots[i].toDevice(weight.getDevice(), true);
            slots[i].close();
            slots[i] = moved;
          }
          slots[i].attach(weight.getManager());
        }
        adopted = false;
      }
    }

    void close() {
      for (NDArray s : slots) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  /**
   * What every scheduled optimizer's builder sets: the schedule (required) and the step offset. Weight decay,
   * gradient clipping and rescaling use DJL's {@code optWeightDecays}, {@code optClipGrad} and
   * {@code setRescaleGrad}.
   */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<T extends Builder<T>> extends Optimizer.OptimizerBuilder<T> {
    private Schedule schedule;
    private long stepOffset;

    Builder() {}

    /** The learning-rate schedule, which may also cycle momentum (required). */
    public T schedule(Schedule schedule) {
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      return self();
    }

    /** Reads a schedule spec such as {@code onecycle(max=0.1, total=1000)}; see {@link Schedule#parse}. */
    public T schedule(String spec) {
      return schedule(Schedule.parse(spec));
    }

    /** The schedule step of the first update (default 0). */
    public T optStepOffset(long stepOffset) {
      this.stepOffset = Checks.atLeast("stepOffset", stepOffset, 0L);
      return self();
    }

    Schedule schedule() {
      return schedule;
    }
  }
}
