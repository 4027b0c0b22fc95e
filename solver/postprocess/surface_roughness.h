#pragma once

#include <deal.II/base/point.h>

#include <array>
#include <vector>

namespace septa
{
  /// One face of a sampled surface: its four vertices (connectivity of
  /// the depressions) and its quadrature points with heights and areas.
  struct RoughnessFace
  {
    std::array<dealii::Point<3>, 4> vertices;
    std::vector<dealii::Point<3>>   points;  ///< reference positions (m)
    std::vector<double>             heights; ///< normal displacement (m)
    std::vector<double>             areas;   ///< quadrature weights (m^2)
  };

  /// Areal parameters of the residual surface r = h - G[h].
  struct Roughness
  {
    double Sa = 0; ///< mean |r| (ISO 25178-2)
    double Sq = 0; ///< root mean square of r
    double Sp = 0; ///< highest r
    double Sv = 0; ///< depth of the lowest r (positive)
    double St = 0; ///< Sp + Sv (St of Smalls 2005, ISO's Sz)
    /// Connected sets of faces whose mean r is below -depth (faces
    /// sharing a vertex are connected), their number and area (m^2).
    unsigned int n_depressions   = 0;
    double       depression_area = 0;
    /// Reference position of the lowest r (of ties, the lexicographically
    /// smallest position).
    dealii::Point<3> deepest;
    /// r at every point, face by face in the order given.
    std::vector<std::vector<double>> residual;
  };

  /**
   * Roughness of a surface displaced along its normal by h: the residual
   * r = h - G[h] from the areal Gaussian filter of ISO 16610-61,
   *   G[h](x) = sum_j g(|x - x_j|) h_j A_j / sum_j g(|x - x_j|) A_j,
   *   g(d) = exp(-pi (d / (alpha lambda_c))^2), alpha = sqrt(ln 2 / pi),
   * with distances in the reference configuration and the weights
   * renormalised where the surface ends (no edge loss).  A sine of
   * wavelength L passes the filter by 0.5^((lambda_c / L)^2): waves
   * shorter than @p cutoff (dimples) stay in r, longer ones (the body's
   * shape, the bending under a seat) go to the fit.  The kernel is cut
   * at 1.2 lambda_c (g < 1e-9 beyond).
   */
  Roughness
  surface_roughness(const std::vector<RoughnessFace> &faces,
                    double                            cutoff,
                    double                            depression_depth);
} // namespace septa
