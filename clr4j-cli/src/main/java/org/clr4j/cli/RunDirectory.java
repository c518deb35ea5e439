package org.clr4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A directory a run writes into (--out, --checkpoint-dir), held by one run at a time: an OS lock on a hidden lock
 * file in it. The OS drops the lock when the process ends, however it ends (kill -9 included), so a crashed run
 * never leaves it stuck; the lock file itself stays, empty of meaning.
 *
 * <p>Also the rule about what is already there: an earlier run's results or checkpoint are replaced only when the
 * user says so ({@code --resume} continues them, {@code --overwrite} starts over).
 */
final class RunDirectory implements AutoCloseable {
  static final String LOCK_FILE = ".clr4j.lock";

  // Locks this JVM holds, by real path. A second FileChannel on the same file in one JVM must not even be opened:
  // tryLock would throw, and on Linux closing that channel drops the lock the first run holds.
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final String option;
  private final Path dir;
  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;

  private RunDirectory(String option, Path dir, Path key, FileChannel channel, FileLock lock) {
    this.option = option;
    this.dir = dir;
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates {@code dir} if needed and takes its lock; {@code option} names it in messages. Throws
   * IllegalArgumentException (bad input, exit 2) when the path cannot be a directory or another run holds it.
   */
  static RunDirectory lock(String option, Path dir) {
    requireUsable(option, dir);
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(option + " (" + dir + ") is a file, not a directory");
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " (" + dir + "): cannot create the directory: "
          + IoErrors.describe(e));
    }
    Path key;
    try {
      key = dir.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " (" + dir + "): " + IoErrors.describe(e));
    }
    if (!HELD.add(key)) {
      throw inUse(option, dir, "this process");
    }
    FileChannel channel = null;
    try {
      Path file = key.resolve(LOCK_FILE);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = holder(channel);
        channel.close();
        throw inUse(option, dir, holder);
      }
      // Who holds it, for the message another run prints.
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
          0);
      return new RunDirectory(option, dir, key, channel, lock);
    } catch (IOException e) {
      HELD.remove(key);
      closeQuietly(channel);
      throw new IllegalArgumentException(option + " (" + dir + "): cannot lock the directory: " + IoErrors.describe(e));
    } catch (RuntimeException e) {
      HELD.remove(key);
      throw e;
    }
  }

  /** An empty path means the current directory to Java, which no one means by {@code --out ""}. */
  static void requireUsable(String option, Path dir) {
    if (dir == null || dir.toString().isBlank()) {
      throw new IllegalArgumentException(option + " must not be empty; give a directory, e.g. " + option + " runs/1");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(option + " (" + dir + ") is a file, not a directory");
    }
  }

  private static IllegalArgumentException inUse(String option, Path dir, String holder) {
    return new IllegalArgumentException(option + " (" + dir + ") is in use by another clr4j run" + (holder.isEmpty()
        ? "" : " (" + holder + ")") + "; wait for it to finish or choose another " + option);
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer b = ByteBuffer.allocate(64);
      channel.read(b, 0);
      return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  Path dir() {
    return dir;
  }

  /** Which of {@code names} exist in this directory. */
  List<String> existing(String... names) {
    List<String> found = new ArrayList<>();
    for (String n : names) {
      if (Files.exists(dir.resolve(n))) {
        found.add(n);
      }
    }
    return found;
  }

  /** Deletes {@code names} from this directory: the earlier run's files, when the user chose to start over. */
  void delete(String... names) throws IOException {
    for (String n : names) {
      Files.deleteIfExists(dir.resolve(n));
    }
  }

  /**
   * Refuses (bad input, exit 2) when the directory holds any of {@code names}, an earlier run's files, unless
   * {@code allowed}; {@code what} says what they are and {@code choices} what the user can do.
   */
  void refuseExisting(boolean allowed, String what, String choices, String... names) {
    List<String> found = existing(names);
    if (!allowed && !found.isEmpty()) {
      throw new IllegalArgumentException(option + " (" + dir + ") already holds " + what + " ("
          + String.join(", ", found) + "); " + choices);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // Closing the channel below releases it too.
    } finally {
      closeQuietly(channel);
      HELD.remove(key);
    }
  }

  private static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // Nothing to add: the lock goes with the channel.
      }
    }
  }
}
