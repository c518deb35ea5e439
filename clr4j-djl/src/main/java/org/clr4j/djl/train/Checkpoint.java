package org.clr4j.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
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
import java.util.List;
import java.util.zip.CRC32;
import org.clr4j.djl.optim.OptimizerState;
import org.clr4j.djl.optim.ScheduledOptimizer;

/**
 * One file holding everything needed to continue a run at the exact step: parameters (batch-norm statistics
 * included), optimizer state, the step, the per-step log and epoch results, and the settings it was made with.
 *
 * <p>Written atomically: the bytes go to a temporary file in the same directory, are forced to disk, and the file
 * is renamed over the previous checkpoint, so a kill at any moment leaves either the old or the new checkpoint,
 * never a torn one. A CRC-32 trailer catches files damaged afterwards.
 */
final class Checkpoint {
  static final String FILE_NAME = "checkpoint.clr4j";
  private static final String MAGIC = "clr4j-checkpoint";
  private static final int VERSION = 1;

  /** The run settings a checkpoint must match to be resumed. */
  static JsonObject settings(TrainingConfig config) {
    JsonObject s = new JsonObject();
    s.addProperty("model", config.model());
    s.addProperty("batch_size", config.batchSize());
    s.addProperty("epochs", config.epochs());
    s.addProperty("schedule", config.schedule().toString());
    s.addProperty("optimizer", config.optimizer().toString());
    s.addProperty("seed", config.seed());
    return s;
  }

  static void write(Path dir, TrainingSession session, ScheduledOptimizer optimizer, TrainingConfig config,
      long step, StepLog log, List<EpochResult> epochs) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(settings(config).toString());
      out.writeLong(step);
      List<Pair<String, Parameter>> params = session.model().getBlock().getParameters().stream().toList();
      out.writeInt(params.size());
      for (Pair<String, Parameter> p : params) {
        out.writeUTF(p.getKey());
        byte[] encoded = p.getValue().getArray().encode();
        out.writeInt(encoded.length);
        out.write(encoded);
      }
      // DJL's parameter ids are per model instance; the checkpoint keys optimizer state by parameter name.
      java.util.Map<String, String> idToName = new java.util.HashMap<>();
      for (Pair<String, Parameter> p : params) {
        idToName.put(p.getValue().getId(), p.getKey());
      }
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
   * made with the same settings.
   */
  static Restored read(Path dir, TrainingSession session, ScheduledOptimizer optimizer, TrainingConfig config)
      throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("resume: no checkpoint at " + file);
    }
    byte[] all = Files.readAllBytes(file);
    if (all.length < Long.BYTES) {
      throw new IllegalArgumentException("checkpoint " + file + " is corrupt (" + all.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - Long.BYTES);
    long stored = ByteBuffer.wrap(all, all.length - Long.BYTES, Long.BYTES).getLong();
    if (stored != crc.getValue()) {
      throw new IllegalArgumentException("checkpoint " + file + " is corrupt (CRC mismatch)");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - Long.BYTES))) {
      if (!MAGIC.equals(in.readUTF()) || in.readInt() != VERSION) {
        throw new IllegalArgumentException("checkpoint " + file + " is not a clr4j checkpoint of version " + VERSION);
      }
      JsonObject saved = JsonParser.parseString(in.readUTF()).getAsJsonObject();
      JsonObject wanted = settings(config);
      for (String key : wanted.keySet()) {
        if (!wanted.get(key).equals(saved.get(key))) {
          throw new IllegalArgumentException("resume: checkpoint " + file + " was made with " + key + "="
              + saved.get(key) + ", but this run has " + key + "=" + wanted.get(key)
              + "; use the same settings or another --checkpoint-dir");
        }
      }
      long step = in.readLong();
      int count = in.readInt();
      List<Pair<String, Parameter>> params = session.model().getBlock().getParameters().stream().toList();
      if (count != params.size()) {
        throw new IllegalArgumentException("checkpoint " + file + " has " + count + " parameters, the model "
            + params.size());
      }
      try (NDManager scratch = NDManager.newBaseManager("PyTorch")) {
        for (Pair<String, Parameter> p : params) {
          String name = in.readUTF();
          if (!name.equals(p.getKey())) {
            throw new IllegalArgumentException("checkpoint " + file + " has parameter '" + name + "' where the "
                + "model has '" + p.getKey() + "'");
          }
          byte[] encoded = new byte[in.readInt()];
          in.readFully(encoded);
          NDArray value = NDArray.decode(scratch, encoded);
          // In place, so that the trainer's parameter store keeps pointing at the live arrays.
          p.getValue().getArray().set(new NDIndex("..."), value);
        }
        java.util.Map<String, String> nameToId = new java.util.HashMap<>();
        for (Pair<String, Parameter> p : params) {
          nameToId.put(p.getKey(), p.getValue().getId());
        }
        try (OptimizerState state = OptimizerState.load(in, scratch).renamed(nameToId::get)) {
          optimizer.restore(state);
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
    }
  }
}
