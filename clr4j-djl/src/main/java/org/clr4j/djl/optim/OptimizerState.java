package org.clr4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A copy of a {@link ScheduledOptimizer}'s state, made by {@link ScheduledOptimizer#snapshot()}: the optimizer's
 * update count and, per parameter, its update count and buffers (SGD: {@code momentum_buffer}; Adam and AdamW:
 * {@code exp_avg}, {@code exp_avg_sq}; Schedule-Free: {@code z}, {@code x} and, for AdamW, {@code exp_avg_sq}) and,
 * for the kinds that keep any, the optimizer's own numbers (Schedule-Free: the sum of the squared learning rates
 * that weights its average). It owns its arrays, which no NDManager holds: {@link #close()} it.
 *
 * <p>It holds one state per parameter whatever the number of devices the optimizer updated copies of the
 * parameter on (their states are equal), so it restores into an optimizer used with any number of devices; see
 * {@link ScheduledOptimizer#snapshot()} and {@link ScheduledOptimizer#restore}.
 *
 * <p>{@link #save} writes it in a small binary format (a header, then each array in DJL's own NDArray
 * encoding), which {@link #load} reads back bit for bit. A state without optimizer numbers is written in format
 * version 1, as before they existed; one with them in version 2, which adds them after the update count.
 */
public final class OptimizerState implements AutoCloseable {

  private static final String MAGIC = "clr4j-optimizer-state";
  private static final int VERSION = 1;
  /** The version that adds the optimizer's own numbers ({@link #scalars()}) after the update count. */
  private static final int VERSION_WITH_SCALARS = 2;

  private final String kind;
  private final long updates;
  private final Map<String, Entry> entries;
  private final double[] scalars;
  private boolean closed;

  /** One parameter's update count and buffers. */
  record Entry(long count, NDArray[] arrays) {}

  OptimizerState(String kind, long updates, Map<String, Entry> entries) {
    this(kind, updates, entries, new double[0]);
  }

  OptimizerState(String kind, long updates, Map<String, Entry> entries, double[] scalars) {
    this.kind = kind;
    this.updates = updates;
    this.entries = Collections.unmodifiableMap(entries);
    this.scalars = scalars.clone();
  }

  /**
   * The optimizer's own numbers, kept besides the per-parameter buffers (a copy; empty for the kinds that keep
   * none). Schedule-Free optimizers keep one: the sum of the squared learning rates so far.
   */
  double[] scalars() {
    return scalars.clone();
  }

  /**
   * The same state with {@code scalars} as its optimizer numbers. The result takes over this state's arrays: this
   * state is closed afterwards without freeing them.
   */
  OptimizerState withScalars(double[] scalars) {
    checkOpen();
    closed = true;
    return new OptimizerState(kind, updates, new LinkedHashMap<>(entries), scalars);
  }

  /** The optimizer kind: {@code sgd}, {@code adam}, {@code adamw}, {@code sf-sgd} or {@code sf-adamw}. */
  public String kind() {
    return kind;
  }

  /** The optimizer's update count (training steps made). */
  public long updates() {
    return updates;
  }

  /** The parameters that have state, in the order they were first updated. */
  public Set<String> parameterIds() {
    return entries.keySet();
  }

  /** How many updates parameter {@code parameterId} has had. */
  public long updateCount(String parameterId) {
    Entry e = entries.get(parameterId);
    if (e == null) {
      throw new IllegalArgumentException("parameterId (" + parameterId + ") has no state; known: " + parameterIds());
    }
    return e.count();
  }

  Map<String, Entry> entries() {
    return entries;
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this OptimizerState is closed");
    }
  }

  /** Writes this state to {@code out}. */
  public void save(DataOutputStream out) throws IOException {
    checkOpen();
    out.writeUTF(MAGIC);
    out.writeInt(scalars.length == 0 ? VERSION : VERSION_WITH_SCALARS);
    out.writeUTF(kind);
    out.writeLong(updates);
    if (scalars.length > 0) {
      out.writeInt(scalars.length);
      for (double s : scalars) {
        out.writeDouble(s);
      }
    }
    out.writeInt(entries.size());
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue().count());
      NDArray[] arrays = e.getValue().arrays();
      out.writeInt(arrays.length);
      for (NDArray a : arrays) {
        byte[] bytes = a.encode();
        out.writeInt(bytes.length);
        out.write(bytes);
      }
    }
    out.flush();
  }

  /**
   * Reads a state written by {@link #save}, creating its arrays with {@code manager} (on its device) and then
   * detaching them, so the returned state owns them.
   *
   * @throws IOException if the stream does not hold such a state
   */
  public static OptimizerState load(DataInputStream in, NDManager manager) throws IOException {
    String magic = in.readUTF();
    if (!MAGIC.equals(magic)) {
      throw new IOException("not a clr4j optimizer state (header " + magic + ")");
    }
    int version = in.readInt();
    if (version != VERSION && version != VERSION_WITH_SCALARS) {
      throw new IOException("unsupported optimizer state version " + version + " (this build reads " + VERSION
          + " and " + VERSION_WITH_SCALARS + ")");
    }
    String kind = in.readUTF();
    long updates = in.readLong();
    int scalarCount = version == VERSION ? 0 : in.readInt();
    if (scalarCount < 0 || scalarCount > 1024) {
      throw new IOException("optimizer state has " + scalarCount + " optimizer numbers; expected 0 to 1024");
    }
    double[] scalars = new double[scalarCount];
    for (int i = 0; i < scalars.length; i++) {
      scalars[i] = in.readDouble();
    }
    int n = in.readInt();
    Map<String, Entry> entries = new LinkedHashMap<>();
    OptimizerState state = new OptimizerState(kind, updates, entries, scalars);
    try {
      for (int p = 0; p < n; p++) {
        String id = in.readUTF();
        long count = in.readLong();
        NDArray[] arrays = new NDArray[in.readInt()];
        for (int i = 0; i < arrays.length; i++) {
          byte[] bytes = new byte[in.readInt()];
          in.readFully(bytes);
          arrays[i] = manager.decode(bytes);
          arrays[i].detach();
        }
        entries.put(id, new Entry(count, arrays));
      }
    } catch (IOException | RuntimeException ex) {
      state.close();
      throw ex;
    }
    return state;
  }

  /**
   * The same state with every parameter id replaced by {@code rename.apply(id)}, e.g. DJL's per-instance parameter
   * ids to stable parameter names for a checkpoint, and back when it is loaded into a new model. The result takes
   * over this state's arrays: this state is closed afterwards without freeing them.
   */
  public OptimizerState renamed(java.util.function.UnaryOperator<String> rename) {
    checkOpen();
    Map<String, Entry> renamed = new LinkedHashMap<>();
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      String id = Objects.requireNonNull(rename.apply(e.getKey()), "renamed id of " + e.getKey());
      if (renamed.put(id, e.getValue()) != null) {
        throw new IllegalArgumentException("two parameters renamed to the same id (" + id + ")");
      }
    }
    closed = true;
    return new OptimizerState(kind, updates, renamed, scalars);
  }

  /** Frees the arrays. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Entry e : entries.values()) {
      for (NDArray a : e.arrays()) {
        if (a != null) {
          a.close();
        }
      }
    }
  }

  @Override
  public String toString() {
    return "OptimizerState(" + kind + ", updates=" + updates + ", parameters=" + entries.size() + ")";
  }
}
