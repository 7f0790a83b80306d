package dev.imageworker.imaging.vips;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * One call of a libvips operation by name, through its GObject interface as pyvips calls
 * it: create the operation, set its arguments, build it (through the operation cache,
 * which the worker keeps empty), read its outputs, and release it. Each argument is
 * checked against the operation's own description before it is set, so a misspelt name or
 * a value of the wrong type fails here instead of reaching C varargs.
 * <p>
 * Inputs the operation keeps (images, blobs, arrays) are referenced by it; outputs read
 * with {@link #outputImage} are new references the caller releases.
 */
final class VipsOperation implements AutoCloseable {

	// GLib's fundamental types, G_TYPE_MAKE_FUNDAMENTAL(n) = n << 2.
	private static final long BOOLEAN = 5 << 2;

	private static final long INT = 6 << 2;

	private static final long UINT = 7 << 2;

	private static final long ENUM = 12 << 2;

	private static final long FLAGS = 13 << 2;

	private static final long DOUBLE = 15 << 2;

	private static final long STRING = 16 << 2;

	private static final long BOXED = 18 << 2;

	private static final long OBJECT = 20 << 2;

	private final Vips vips;

	private final Arena arena;

	private final String name;

	private MemorySegment operation;

	VipsOperation(Vips vips, Arena arena, String name, MemorySegment operation) {
		this.vips = vips;
		this.arena = arena;
		this.name = name;
		this.operation = operation;
	}

	/** An int argument, or a numeric enum or flags value. */
	VipsOperation set(String argument, int value) {
		MemorySegment key = argument(argument, INT, UINT, ENUM, FLAGS);
		this.vips.setInt(this.operation, key, value);
		return this;
	}

	VipsOperation set(String argument, boolean value) {
		this.vips.setInt(this.operation, argument(argument, BOOLEAN), value ? 1 : 0);
		return this;
	}

	VipsOperation set(String argument, double value) {
		this.vips.setDouble(this.operation, argument(argument, DOUBLE), value);
		return this;
	}

	/** A string argument, or an enum by its nick ({@code "cubic"}, {@code "av1"}). */
	VipsOperation set(String argument, String value) {
		MemorySegment key = argument(argument, STRING, ENUM);
		long type = this.vips.argumentType(this.operation, key);
		if (this.vips.fundamental(type) == ENUM) {
			int number = this.vips.enumValue(this.arena, type, value);
			if (number < 0) {
				throw new IllegalArgumentException(this.name + "'s " + argument + " has no value " + value);
			}
			this.vips.setInt(this.operation, key, number);
		}
		else {
			this.vips.setPointer(this.operation, key, this.arena.allocateFrom(value));
		}
		return this;
	}

	VipsOperation image(String argument, MemorySegment image) {
		this.vips.setPointer(this.operation, argument(argument, OBJECT), image);
		return this;
	}

	/**
	 * Bytes the caller keeps alive for as long as any image loaded from them: the blob
	 * refers to them without copying.
	 */
	VipsOperation blob(String argument, MemorySegment data) {
		return boxed(argument, this.vips.blob(data));
	}

	VipsOperation doubles(String argument, double... values) {
		return boxed(argument, this.vips.doubles(this.arena, values));
	}

	VipsOperation images(String argument, List<MemorySegment> images) {
		return boxed(argument, this.vips.images(this.arena, images));
	}

	private VipsOperation boxed(String argument, MemorySegment area) {
		try {
			this.vips.setPointer(this.operation, argument(argument, BOXED), area);
			return this;
		}
		finally {
			// The operation holds its own reference now.
			this.vips.unrefArea(area);
		}
	}

	/**
	 * Runs the operation; lazy operations only describe their output, which is computed
	 * when pixels are asked for.
	 * @throws Failed with libvips' error log when it fails
	 */
	VipsOperation build() {
		MemorySegment built = this.vips.build(this.operation);
		if (built.equals(MemorySegment.NULL)) {
			throw new Failed(this.name, this.vips.takeErrors());
		}
		this.vips.unref(this.operation);
		this.operation = built;
		return this;
	}

	/** An output image, as a new reference. */
	MemorySegment outputImage(String argument) {
		MemorySegment cell = this.arena.allocate(ValueLayout.ADDRESS);
		this.vips.get(this.operation, argument(argument, OBJECT), cell);
		return Vips.pointer(cell);
	}

	/** An output blob's bytes, such as a saver's encoded image. */
	byte[] outputBytes(String argument) {
		MemorySegment cell = this.arena.allocate(ValueLayout.ADDRESS);
		this.vips.get(this.operation, argument(argument, BOXED), cell);
		MemorySegment blob = Vips.pointer(cell);
		try {
			return this.vips.blobBytes(this.arena, blob);
		}
		finally {
			this.vips.unrefArea(blob);
		}
	}

	/** Releases the outputs the operation still holds, then the operation. */
	@Override
	public void close() {
		this.vips.unrefOutputs(this.operation);
		this.vips.unref(this.operation);
	}

	private MemorySegment argument(String argument, long... fundamentals) {
		MemorySegment key = this.arena.allocateFrom(argument);
		long type = this.vips.argumentType(this.operation, key);
		if (type == 0) {
			throw new IllegalArgumentException("libvips' " + this.name + " has no argument " + argument);
		}
		long fundamental = this.vips.fundamental(type);
		for (long expected : fundamentals) {
			if (fundamental == expected) {
				return key;
			}
		}
		throw new IllegalArgumentException(
				"libvips' " + this.name + " argument " + argument + " is of another type (" + fundamental + ")");
	}

	/** An operation libvips refused to build, with what its error log said. */
	static final class Failed extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Failed(String operation, String errors) {
			super(operation + " failed: " + errors);
		}

	}

}
