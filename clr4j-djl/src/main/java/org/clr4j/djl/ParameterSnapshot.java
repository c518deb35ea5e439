package org.clr4j.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Independent copies of every parameter of a block, batch-norm running statistics included, keyed by parameter
 * name: what a range test or a checkpoint needs to put a model back exactly as it was. Owns its copies; close it.
 *
 * <p>{@link #restore} writes the copies back <em>in place</em>, into the live parameter arrays, so a trainer's
 * parameter store (and anything else that holds those arrays) sees the restored values.
 */
public final class ParameterSnapshot implements AutoCloseable {
  private final Block block;
  private final NDManager owner;
  private final Map<String, NDArray> copies;

  private ParameterSnapshot(Block block, NDManager owner, Map<String, NDArray> copies) {
    this.block = block;
    this.owner = owner;
    this.copies = Collections.unmodifiableMap(copies);
  }

  /** Copies {@code model}'s parameters; the block must be initialized. */
  public static ParameterSnapshot of(Model model) {
    return of(Batches.withBlock(model).getBlock(), model.getNDManager());
  }

  /** Copies {@code block}'s parameters into arrays owned by a sub-manager of {@code manager}. */
  public static ParameterSnapshot of(Block block, NDManager manager) {
    Objects.requireNonNull(block, "block");
    NDManager owner = manager.newSubManager();
    Map<String, NDArray> copies = new LinkedHashMap<>();
    try {
      for (Pair<String, Parameter> p : block.getParameters()) {
        if (!p.getValue().isInitialized()) {
          throw new IllegalArgumentException("parameter " + p.getKey() + " is not initialized; initialize the "
              + "block (e.g. trainer.initialize(inputShape)) first");
        }
        NDArray copy = p.getValue().getArray().duplicate();
        copy.attach(owner);
        copies.put(p.getKey(), copy);
      }
    } catch (RuntimeException e) {
      owner.close();
      throw e;
    }
    return new ParameterSnapshot(block, owner, copies);
  }

  /** The copies, by parameter name. */
  public Map<String, NDArray> arrays() {
    return copies;
  }

  /** Writes the copies back into the block's live parameter arrays, in place. */
  public void restore() {
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray copy = copies.get(p.getKey());
      if (copy == null) {
        throw new IllegalStateException("snapshot has no parameter '" + p.getKey() + "'; the block changed");
      }
      p.getValue().getArray().set(new NDIndex("..."), copy);
    }
  }

  /** Whether every copy equals {@code other}'s bit for bit (same names, shapes, types and bytes). */
  public boolean bitwiseEquals(ParameterSnapshot other) {
    if (!copies.keySet().equals(other.copies.keySet())) {
      return false;
    }
    for (Map.Entry<String, NDArray> e : copies.entrySet()) {
      NDArray mine = e.getValue();
      NDArray theirs = other.copies.get(e.getKey());
      if (!mine.getShape().equals(theirs.getShape()) || mine.getDataType() != theirs.getDataType()
          || !Arrays.equals(mine.toByteArray(), theirs.toByteArray())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    owner.close();
  }
}
