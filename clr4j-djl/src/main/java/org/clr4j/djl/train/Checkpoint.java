package org.clr4j.djl.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import org.clr4j.djl.optim.OptimizerState;
import org.clr4j.djl.optim.ScheduledOptimizer;

/**
 * One file holding everything needed to continue a run at the exact step: parameters (batch-norm statistics
 * included), optimizer state, the step, the per-step log and epoch results, and the identity of the run it belongs
 * to: parameter names and shapes, schedule, optimizer, batch size, epochs, seed, and what the caller adds (the data
 * and its fingerprint, thread count, ...). A resume whose identity differs is refused, naming the difference.
 *
 * <p>Written atomically: the bytes go to a temporary file in the same directory, are forced to disk, and the file
 * is renamed over the previous checkpoint, so a kill at any moment leaves either the old or the new checkpoint,
 * never a torn one. A CRC-32 trailer catches files damaged afterwards.
 */
final class Checkpoint {
  static final String FILE_NAME = "checkpoint.clr4j";
  private static final String MAGIC = "clr4j-checkpoint";
  private static final int VERSION = 2;

  private Checkpoint() {}

  /** Parameter names and shapes, in block order: {@code name (shape); ...}. */
  static String parameterLayout(Model model) {
    StringBuilder s = new StringBuilder();
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      if (s.length() > 0) {
        s.append("; ");
      }
      s.append(p.getKey()).append(' ').append(p.getValue().getArray().getShape());
    }
    return s.toString();
  }

  static void write(Path dir, Model model, ScheduledOptimizer optimizer, Map<String, String> identity, long step,
      StepLog log, List<EpochResult> epochs) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(MAGIC);
      out.writeInt(VERSION);
      JsonObject id = new JsonObject();
      identity.forEach(id::addProperty);
      byte[] idBytes = id.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeInt(idBytes.length); // not writeUTF: a large model's parameter list can pass its 64 KB limit
      out.write(idBytes);
      out.writeLong(step);
      List<Pair<String, Parameter>> params = model.getBlock().getParameters().stream().toList();
      out.writeInt(params.size());
      Map<String, String> idToName = new HashMap<>();
      for (Pair<String, Parameter> p : params) {
        out.writeUTF(p.getKey());
        byte[] encoded = p.getValue().getArray().encode();
        out.writeInt(encoded.length);
        out.write(encoded);
        idToName.put(p.getValue().getId(), p.getKey());
      }
      // DJL's parameter ids are per model instance; the checkpoint keys optimizer state by parameter name.
      try (OptimizerState state = optimizer.snapshot().renamed(idToName::get)) {
        state.save(out);
      }
      log.write(out);
      out.writeInt(epochs.size());
      for (EpochResult e : epochs) {
        out.writeInt(e.epoch());
        out.writeLong(e.steps());
        out.writeDouble(e.trainLoss());
        out.writeDouble(e.testLoss());
        out.writeDouble(e.testAccuracy());
        out.writeDouble(e.trainSeconds());
        out.writeDouble(e.samplesPerSecond());
      }
    }
    byte[] body = bytes.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(body);
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.allocate(body.length + Long.BYTES);
        buf.put(body).putLong(crc.getValue()).flip();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** What {@link #read} restored besides the arrays. */
  record Restored(long step, StepLog log, List<EpochResult> epochs) {}

  /**
   * Restores parameters (in place) and optimizer state from {@code dir}'s checkpoint, after checking that it was
   * made by a run with the same {@code identity}.
   *
   * @throws CheckpointException if there is none, it is damaged, or it belongs to another run
   */
  static Restored read(Path dir, Model model, ScheduledOptimizer optimizer, Map<String, String> identity)
      throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      throw new CheckpointException(file, "no checkpoint at " + file);
    }
    byte[] all = Files.readAllBytes(file);
    if (all.length < Long.BYTES) {
      throw new CheckpointException(file, "checkpoint " + file + " is corrupt (" + all.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - Long.BYTES);
    long stored = ByteBuffer.wrap(all, all.length - Long.BYTES, Long.BYTES).getLong();
    if (stored != crc.getValue()) {
      throw new CheckpointException(file, "checkpoint " + file + " is corrupt (CRC mismatch)");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - Long.BYTES))) {
      if (!MAGIC.equals(in.readUTF())) {
        throw new CheckpointException(file, "checkpoint " + file + " is not a clr4j checkpoint");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new CheckpointException(file, "checkpoint " + file + " has format version " + version
            + "; this clr4j reads version " + VERSION + " (start the run again)");
      }
      byte[] idBytes = new byte[in.readInt()];
      in.readFully(idBytes);
      checkIdentity(file, parse(file, new String(idBytes, java.nio.charset.StandardCharsets.UTF_8)), identity);
      long step = in.readLong();
      int count = in.readInt();
      List<Pair<String, Parameter>> params = model.getBlock().getParameters().stream().toList();
      if (count != params.size()) {
        throw new CheckpointException(file, "checkpoint " + file + " has " + count + " parameters, the model "
            + params.size());
      }
      try (NDManager scratch = model.getNDManager().newSubManager()) {
        Map<String, NDArray> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : params) {
          String name = in.readUTF();
          if (!name.equals(p.getKey())) {
            throw new CheckpointException(file, "checkpoint " + file + " has parameter '" + name + "' where the "
                + "model has '" + p.getKey() + "'");
          }
          byte[] encoded = new byte[in.readInt()];
          in.readFully(encoded);
          values.put(name, NDArray.decode(scratch, encoded));
        }
        Map<String, String> nameToId = new HashMap<>();
        for (Pair<String, Parameter> p : params) {
          nameToId.put(p.getKey(), p.getValue().getId());
        }
        try (OptimizerState state = OptimizerState.load(in, scratch).renamed(nameToId::get)) {
          optimizer.restore(state);
        }
        // Parameters last, once everything else was read: a failure above leaves the model as it was.
        for (Pair<String, Parameter> p : params) {
          // In place, so that the trainer's parameter store keeps pointing at the live arrays.
          p.getValue().getArray().set(new NDIndex("..."), values.get(p.getKey()));
        }
      }
      StepLog log = StepLog.read(in);
      int n = in.readInt();
      List<EpochResult> epochs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        epochs.add(new EpochResult(in.readInt(), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(),
            in.readDouble(), in.readDouble()));
      }
      return new Restored(step, log, epochs);
    } catch (java.io.EOFException e) {
      throw new CheckpointException(file, "checkpoint " + file + " is corrupt (truncated)");
    }
  }

  private static JsonObject parse(Path file, String json) {
    try {
      return JsonParser.parseString(json).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new CheckpointException(file, "checkpoint " + file + " is corrupt (its settings do not parse)");
    }
  }

  private static void checkIdentity(Path file, JsonObject saved, Map<String, String> wanted) {
    Set<String> keys = new LinkedHashSet<>(wanted.keySet());
    keys.addAll(saved.keySet());
    for (String key : keys) {
      JsonElement s = saved.get(key);
      String savedValue = s == null || s.isJsonNull() ? "(none)" : s.getAsString();
      String wantedValue = wanted.getOrDefault(key, "(none)");
      if (!savedValue.equals(wantedValue)) {
        throw new CheckpointException.Mismatch(file, key, savedValue, wantedValue);
      }
    }
  }
}
