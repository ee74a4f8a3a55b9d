/**
 * Storage limits: the most float32 values one slot may hold in 'webgl' (one float texture)
 * and 'webgpu' (one storage buffer), as the checks devices.ts runs on every slot length.
 */
import type { GpuJs, WebGpuLimits } from './gpu-loader.js';

/** The largest WebGL 1-D output: gpu.js lays it out as a near-square 2-D float texture. */
export function webglLimit(g: GpuJs, maxTextureSize: number): (length: number) => string | null {
  return (length) => {
    if (length <= 1) return null;
    const [w, h] = g.utils.closestSquareDimensions(length);
    if (w <= maxTextureSize && h <= maxTextureSize) return null;
    return (
      `laid out as a ${w}×${h} texture, larger than this WebGL context's ` +
      `MAX_TEXTURE_SIZE ${maxTextureSize} (${maxTextureSize}×${maxTextureSize} values at most)`
    );
  };
}

/** The largest WebGPU slot: one f32 storage buffer within the device's binding/buffer limits. */
export function webgpuLimit(limits: WebGpuLimits): (length: number) => string | null {
  const bytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const max = Math.floor(bytes / 4);
  return (length) =>
    length <= max
      ? null
      : `more than the ${max} float32 values (${bytes} bytes) this WebGPU device allows per storage buffer`;
}
