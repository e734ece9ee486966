using System.Numerics.Tensors;

namespace Paperboy.Search;

/// <summary>
/// The one dense rule TensorPrimitives lacks: unit length, with a zero vector left at zero instead of
/// NaN. Everything else (dot products, y += a·x) calls <see cref="TensorPrimitives"/> directly.
/// </summary>
public static class VectorMath
{
    /// <summary>Scales to unit length; returns false (and leaves zeros) for a zero vector.</summary>
    public static bool Normalize(Span<float> v)
    {
        var norm = TensorPrimitives.Norm(v);
        if (norm < 1e-12f || float.IsNaN(norm)) { v.Clear(); return false; }
        TensorPrimitives.Multiply(v, 1f / norm, v);
        return true;
    }
}
