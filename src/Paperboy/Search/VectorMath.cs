using System.Numerics;
using System.Runtime.InteropServices;

namespace Paperboy.Search;

/// <summary>The few dense kernels search needs, SIMD through <see cref="Vector{T}"/>.</summary>
public static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var n = Math.Min(a.Length, b.Length);
        var va = MemoryMarshal.Cast<float, Vector<float>>(a[..n]);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..n]);
        var acc = Vector<float>.Zero;
        for (var i = 0; i < va.Length; i++) acc += va[i] * vb[i];
        var sum = Vector.Sum(acc);
        for (var i = va.Length * Vector<float>.Count; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>y += alpha·x.</summary>
    public static void AddScaled(Span<float> y, ReadOnlySpan<float> x, float alpha)
    {
        var n = Math.Min(x.Length, y.Length);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y[..n]);
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x[..n]);
        var va = new Vector<float>(alpha);
        for (var i = 0; i < vy.Length; i++) vy[i] += va * vx[i];
        for (var i = vy.Length * Vector<float>.Count; i < n; i++) y[i] += alpha * x[i];
    }

    /// <summary>Scales to unit length; returns false (and leaves zeros) for a zero vector.</summary>
    public static bool Normalize(Span<float> v)
    {
        var norm = MathF.Sqrt(Dot(v, v));
        if (norm < 1e-12f || float.IsNaN(norm)) { v.Clear(); return false; }
        var inv = 1f / norm;
        for (var i = 0; i < v.Length; i++) v[i] *= inv;
        return true;
    }
}
