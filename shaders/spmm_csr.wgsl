// CSR sparse × dense product: output = A · dense.
//
//   A       CSR, n_rows rows: row_offsets [n_rows + 1], columns [nnz], values [nnz]
//   dense   row-major [n_cols, width]   (read as `{{ elem }}`, `width_vectors` per row)
//   output  row-major [n_rows, width]   (every element written, empty rows get zeros)
//
// Work split: LANES invocations share one row and walk its entries together; lane `l` owns
// vectors l, l + LANES, ... of that row, so neighbouring lanes read neighbouring memory of the
// same dense row. A workgroup of WORKGROUP_SIZE invocations covers WORKGROUP_SIZE / LANES rows.
// Workgroups are laid out on a 2-D grid (x ≤ 65,535) so large matrices need no second launch.
//
// Template values (filled by src/kernels/spmm/wgsl.rs): workgroup_size, lanes, elem
// (`f32` or `vec4<f32>`). Integer arrays hold non-negative i32 values, read here as u32.
// Every binding is declared read_write although the kernel writes only `output`: cubecl
// sub-allocates tensors from shared buffers, and wgpu rejects a dispatch that binds one buffer
// both read-only and read-write.

@group(0) @binding(0) var<storage, read_write> row_offsets: array<u32>;
@group(0) @binding(1) var<storage, read_write> columns: array<u32>;
@group(0) @binding(2) var<storage, read_write> values: array<f32>;
@group(0) @binding(3) var<storage, read_write> dense: array<{{ elem }}>;
@group(0) @binding(4) var<storage, read_write> output: array<{{ elem }}>;
// [n_rows, width_vectors]
@group(0) @binding(5) var<storage, read_write> params: array<u32>;

const WORKGROUP_SIZE: u32 = {{ workgroup_size }}u;
const LANES: u32 = {{ lanes }}u;
const ROWS_PER_GROUP: u32 = WORKGROUP_SIZE / LANES;

@compute @workgroup_size({{ workgroup_size }}, 1, 1)
fn main(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) local: u32,
) {
    let n_rows = params[0];
    let width = params[1];
    let row = (group.x + group.y * groups.x) * ROWS_PER_GROUP + local / LANES;
    if (row >= n_rows) {
        return;
    }
    let lane = local % LANES;
    let start = row_offsets[row];
    let end = row_offsets[row + 1u];
    for (var vector = lane; vector < width; vector += LANES) {
        var sum = {{ elem }}(0.0);
        for (var entry = start; entry < end; entry += 1u) {
            sum += values[entry] * dense[columns[entry] * width + vector];
        }
        output[row * width + vector] = sum;
    }
}
