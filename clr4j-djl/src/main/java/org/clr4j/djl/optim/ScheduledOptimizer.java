package org.clr4j.djl.optim;

import ai.djl.Device;
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
 * <p><b>Devices.</b> With several devices ({@code optDevices}) DJL's parameter server keeps one copy of each
 * parameter per device, sums the gradients of all devices and then calls {@link #update} once per copy, with the
 * same parameter id (DJL's {@code LocalParameterServer}). The state (buffers and update count) is therefore kept
 * per copy, that is per (parameter id, device): each copy's buffers live on its device, and as every copy starts
 * from the same state and gets the same summed gradient, the copies' states stay equal. The weight array also
 * identifies its copy, for the one case where the device cannot: two copies on one device, which DJL's trainer
 * never makes (it rejects duplicate devices) but a caller may, e.g. two CPU arrays standing for two devices, as all
 * CPU devices are one {@link ai.djl.Device} in DJL. An update with an array not seen before, on a device where the
 * parameter already has a copy, goes on with that copy's state when the copy's array is closed or the copy has not
 * been updated at the current step yet (the copy's array was replaced, e.g. by a new trainer); otherwise it is
 * another copy of the parameter on that device, with its own state.
 *
 * <p><b>Steps.</b> Each copy counts its own updates from 1, as DJL's optimizers do per parameter; the optimizer's
 * update count is the largest of them, so it advances once per {@code trainer.step()} whatever the number of
 * devices, and all parameters and copies of one step share it. The schedule step is {@code stepOffset + updates -
 * 1}: the first step is schedule step {@code stepOffset} (0 by default). Adam's bias correction uses the copy's
 * own count (the step count, for a parameter updated at every step), as PyTorch's {@code state['step']}.
 *
 * <p><b>Gradients.</b> The gradient is first multiplied by {@code rescaleGrad} (DJL's
 * {@code setRescaleGrad}, default 1), then clipped element-wise to {@code [-clipGrad, clipGrad]} when
 * {@code optClipGrad} is set to a value {@code > 0} (DJL's convention: {@code < 0} turns clipping off), then
 * the optimizer's weight decay applies. After the update the weight's own gradient is zeroed, as DJL's built-in
 * PyTorch optimizers do.
 *
 * <p><b>State.</b> {@link #snapshot()} and {@link #restore(OptimizerState)} copy all state (buffers and update
 * counts) bit for bit, so a checkpoint or an LR range test can rewind training exactly; {@link #save} and
 * {@link #load} write and read it. A snapshot holds one state per parameter, whatever the number of devices (the
 * copies' states are equal), so a state saved with several devices restores into one and the other way round; a
 * restored state applies to every copy of the parameter. The state arrays are attached to the weight's
 * {@code NDManager}, so they live and die with that copy (for the copies DJL makes on other devices, with the
 * trainer). Updates are expected one at a time, from one thread, as DJL's trainer makes them.
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
   * @param count the update count of this copy of the parameter (one per device), from 1
   */
  abstract void apply(NDArray[] slots, long count, NDArray weight, NDArray grad, float lr, double momentum);

  @Override
  public final void update(String parameterId, NDArray weight, NDArray grad) {
    ParamState p = states.get(parameterId);
    CopyState c = p == null ? null : p.find(weight, updates);
    if (c != null && c.isClosed()) {
      throw new IllegalStateException(
          "the optimizer state of parameter " + parameterId + " on " + c.device + " was closed with its NDManager"
              + " (was its trainer closed?); snapshot() before closing and restore() after");
    }
    NDArray[] restored = c == null && p != null ? p.restored() : null;
    if (restored != null) {
      checkShape(parameterId, restored, weight);
    }
    long count = (c != null ? c.count : restored != null ? p.restoredCount : 0) + 1;
    long newUpdates = Math.max(updates, count);
    refresh(stepOffset + newUpdates - 1); // may throw: nothing is changed before it
    if (p == null) {
      p = new ParamState();
      states.put(parameterId, p);
    }
    if (c == null) {
      c = p.add(weight, slotCount());
    } else {
      c.weight = weight; // the same array, or one that replaces it
    }
    c.count = count;
    updates = newUpdates;
    if (p.restored != null && count > p.restoredCount + 1) {
      // a step has passed since restore(): the copies of that step, the only ones to start from it, have started
      p.dropRestored();
    }

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
      apply(c.slots, count, weight, g, lr, momentum);
    } finally {
      if (g != grad) {
        g.close();
      }
      Engines.zeroGradient(weight);
      Engines.restoreGradMode(gradMode);
    }
  }

  private static void checkShape(String parameterId, NDArray[] restored, NDArray weight) {
    for (NDArray r : restored) {
      if (!r.getShape().equals(weight.getShape())) {
        throw new IllegalArgumentException(
            "restored state of parameter " + parameterId + " has shape " + r.getShape() + "; the weight's is "
                + weight.getShape());
      }
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

  /**
   * How many updates (training steps) this optimizer has made: the largest update count of any parameter copy, so
   * one per training step whatever the number of devices.
   */
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
   *
   * <p>With several devices it holds one state per parameter: that of the parameter's first copy, the one DJL's
   * parameter server updates first (on the trainer's first device). Any copy would do, as they are equal; the first
   * makes the choice deterministic.
   *
   * @throws IllegalStateException if a parameter's state was closed with its NDManager
   */
  public OptimizerState snapshot() {
    Map<String, OptimizerState.Entry> entries = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, ParamState> e : states.entrySet()) {
        ParamState p = e.getValue();
        CopyState c = p.firstOpen();
        NDArray[] slots;
        long count;
        if (c != null) {
          slots = c.slots;
          count = c.count;
        } else if (p.restored() != null) {
          slots = p.restored;
          count = p.restoredCount;
        } else {
          throw new IllegalStateException(
              "the optimizer state of parameter " + e.getKey() + " was closed with its NDManager"
                  + " (was its trainer closed?); snapshot() before closing");
        }
        NDArray[] copies = new NDArray[slots.length];
        entries.put(e.getKey(), new OptimizerState.Entry(count, copies));
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
   * Makes this optimizer's state equal, bit for bit, to {@code state}, on every copy of each parameter (one per
   * device): copies that exist are overwritten in place, so arrays referenced elsewhere stay valid, and copies
   * first updated after this (e.g. on devices not seen yet) start from {@code state}, moved to their device.
   * Parameters absent from {@code state} lose their state (it restarts at zero, as for a new parameter).
   * {@code state} is copied and stays usable.
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
      ParamState p = states.get(e.getKey());
      for (int k = 0; p != null && k < p.size; k++) {
        CopyState c = p.copies[k];
        for (int i = 0; !c.isClosed() && i < slots; i++) {
          if (!src[i].getShape().equals(c.slots[i].getShape())
              || src[i].getDataType() != c.slots[i].getDataType()) {
            throw new IllegalArgumentException(
                "state of parameter " + e.getKey() + " has a " + src[i].getDataType() + " buffer of shape "
                    + src[i].getShape() + "; this optimizer's is " + c.slots[i].getDataType() + " "
                    + c.slots[i].getShape());
          }
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
      long count = e.getValue().count();
      ParamState p = states.computeIfAbsent(e.getKey(), k -> new ParamState());
      p.removeClosed();
      for (int k = 0; k < p.size; k++) {
        CopyState c = p.copies[k];
        for (int i = 0; i < slots; i++) {
          copyInto(src[i], c.slots[i]);
        }
        c.count = count;
      }
      // kept for the copies that are first updated after this, until a step has passed
      p.setRestored(src, count);
    }
    updates = state.updates();
    valuesStep = -1;
  }

  /** How many copies (one per device) parameter {@code parameterId} has; for tests. */
  int copyCount(String parameterId) {
    ParamState p = states.get(parameterId);
    return p == null ? 0 : p.size;
  }

  /** Copy {@code k} (in the order first updated) of parameter {@code parameterId}; for tests. */
  private CopyState copy(String parameterId, int k) {
    ParamState p = states.get(parameterId);
    if (p == null || k < 0 || k >= p.size) {
      throw new IllegalArgumentException(
          "copy (" + k + ") of parameter " + parameterId + " must be in [0, " + copyCount(parameterId) + ")");
    }
    return p.copies[k];
  }

  /** The buffers of copy {@code k} of parameter {@code parameterId}, not copied; for tests. */
  NDArray[] buffers(String parameterId, int k) {
    return copy(parameterId, k).slots.clone();
  }

  /** The update count of copy {@code k} of parameter {@code parameterId}; for tests. */
  long updateCount(String parameterId, int k) {
    return copy(parameterId, k).count;
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

  /** A parameter's copies (one per device) and the state restored for copies not updated since. */
  private static final class ParamState {
    /** In the order first updated: DJL's parameter server updates the trainer's first device first. */
    CopyState[] copies = new CopyState[1];
    int size;
    /**
     * Copies of the restored buffers, for copies first updated in the step after restore(); or null. Detached until
     * a copy exists, then attached to a copy's manager, so that they are freed with the model.
     */
    NDArray[] restored;
    long restoredCount;
    boolean restoredDetached;

    /** The restored buffers, or null (also when they were closed with the manager they were attached to). */
    NDArray[] restored() {
      if (restored != null && restored.length > 0 && restored[0].isReleased()) {
        restored = null;
      }
      return restored;
    }

    /**
     * The copy {@code weight} belongs to, or null for a new copy: the copy of that very array, else a copy on the
     * weight's device whose array was replaced (closed, or not updated at the current step yet). Changes nothing.
     */
    CopyState find(NDArray weight, long updates) {
      for (int k = 0; k < size; k++) {
        if (copies[k].weight == weight) {
          return copies[k];
        }
      }
      Device device = weight.getDevice();
      for (int k = 0; k < size; k++) {
        CopyState c = copies[k];
        if (c.device.equals(device) && (c.weight.isReleased() || c.count < updates)) {
          return c;
        }
      }
      return null;
    }

    /** A new copy for {@code weight}: the restored state moved to its device, or zeros. */
    CopyState add(NDArray weight, int slotCount) {
      NDArray[] from = restored();
      NDArray[] slots = new NDArray[slotCount];
      Device device = weight.getDevice();
      try {
        for (int i = 0; i < slotCount; i++) {
          if (from == null) {
            slots[i] = weight.zerosLike();
          } else if (from[i].getDevice().equals(device)) {
            slots[i] = from[i].duplicate();
          } else {
            slots[i] = from[i].toDevice(device, true);
          }
          // attached to the weight's manager, so the state lives and dies with the model (or this copy)
          slots[i].attach(weight.getManager());
        }
      } catch (RuntimeException ex) {
        for (NDArray a : slots) {
          if (a != null) {
            a.close();
          }
        }
        throw ex;
      }
      if (from != null && restoredDetached) {
        for (NDArray a : from) {
          a.attach(weight.getManager());
        }
        restoredDetached = false;
      }
      CopyState c = new CopyState(weight, device, slots);
      if (size == copies.length) {
        copies = java.util.Arrays.copyOf(copies, 2 * size);
      }
      copies[size++] = c;
      return c;
    }

    CopyState firstOpen() {
      for (int k = 0; k < size; k++) {
        if (!copies[k].isClosed()) {
          return copies[k];
        }
      }
      return null;
    }

    void removeClosed() {
      int n = 0;
      for (int k = 0; k < size; k++) {
        if (!copies[k].isClosed()) {
          copies[n++] = copies[k];
        }
      }
      java.util.Arrays.fill(copies, n, size, null);
      size = n;
    }

    void setRestored(NDArray[] src, long count) {
      dropRestored();
      CopyState owner = firstOpen();
      NDArray[] copy = new NDArray[src.length];
      for (int i = 0; i < src.length; i++) {
        copy[i] = src[i].duplicate();
        if (owner != null) {
          copy[i].attach(owner.weight.getManager());
        } else {
          copy[i].detach();
        }
      }
      restored = copy;
      restoredCount = count;
      restoredDetached = owner == null;
    }

    void dropRestored() {
      if (restored != null) {
        for (NDArray a : restored) {
          a.close();
        }
        restored = null;
      }
    }

    void close() {
      for (int k = 0; k < size; k++) {
        for (NDArray a : copies[k].slots) {
          a.close();
        }
      }
      dropRestored();
    }
  }

  /** One copy of a parameter: its array, device, buffers and update count. */
  private static final class CopyState {
    /** The array last updated through this state: what tells two copies on one device apart. */
    NDArray weight;
    final Device device;
    final NDArray[] slots;
    long count;

    CopyState(NDArray weight, Device device, NDArray[] slots) {
      this.weight = weight;
      this.device = device;
      this.slots = slots;
    }

    /** Whether the buffers were closed, with the NDManager they are attached to. */
    boolean isClosed() {
      return slots.length > 0 && slots[0].isReleased();
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
