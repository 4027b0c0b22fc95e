// Rigid obstacles of the contact subsystem: the closest point, gap and
// normal of every shape against closed-form distances written here in the
// world frame (sphere: |x - c| - R; capsule: distance to the axis segment
// minus R; torus: sqrt((rho - R)^2 + z^2) - r; plane: (x - p) . n), for
// tilted axes, moved and turned bodies; and consistency: x = closest + gap
// normal, |normal| = 1, the closest point has gap 0; the normal's derivative
// (the curvature term of the contact tangent) against central differences.
// Plate: distance to the rectangle |xi| <= a, |eta| <= b of the plane, with
// rounded edges of radius r beyond it.
#include <contact/obstacle.h>
#include <core/input_error.h>
#include <core/registry.h>

#include "unit_check.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>

using namespace dealii;
using namespace septa;
using unit::expect;
using unit::num;
using unit::within;
using unit::Worst;

namespace
{
  std::unique_ptr<Obstacle>
  make(const std::string                                      &shape,
       const std::vector<std::pair<std::string, std::string>> &settings)
  {
    ParameterHandler prm;
    Registry<Obstacle>::entries().at(shape).declare_parameters(prm);
    for (const auto &[entry, value] : settings)
      prm.set(entry, value);
    auto o = Registry<Obstacle>::create(shape, "test: " + shape);
    o->parse_parameters(prm, "test: " + shape);
    return o;
  }

  /// Linear interpolation of the translation used below at time t.
  Tensor<1, 3>
  moved(const double t)
  {
    // 0: 0,0,0; 1: 0,0,-0.008; 3: 0.06,0,-0.008
    if (t <= 1)
      return Tensor<1, 3>({0.0, 0.0, -0.008 * t});
    const double s = std::min(t, 3.0) - 1;
    return Tensor<1, 3>({0.03 * s, 0.0, -0.008});
  }
} // namespace


int
main()
{
  const std::string translation =
    "0: 0, 0, 0; 1: 0, 0, -0.008; 3: 0.06, 0, -0.008";
  const Point<3> p0(0.01, -0.02, 0.04);
  Tensor<1, 3>   axis({1.0, 2.0, 2.0});
  axis /= axis.norm(); // (1, 2, 2) / 3
  const std::string position = "0.01, -0.02, 0.04", axis_text = "1, 2, 2";
  const double      R = 0.015, L = 0.05, r = 0.003;
  const std::vector<std::pair<std::string, std::string>> motion = {
    {"Position", position},
    {"Axis", axis_text},
    {"Translation", translation},
    {"Rotation", "0:0, 3:4"}};

  auto with = [&](std::vector<std::pair<std::string, std::string>> extra) {
    auto all = motion;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  };
  const auto plane  = make("plane", motion);
  const auto sphere = make("sphere", with({{"Radius", "0.015"}}));
  const auto cylinder =
    make("cylinder", with({{"Radius", "0.015"}, {"Length", "0.05"}}));
  const auto ring =
    make("ring", with({{"Radius", "0.015"}, {"Minor radius", "0.003"}}));
  const double a = 0.02, b = 0.01, rim = 0.004;
  const auto   plate =
    make("plane",
         with({{"Half widths", "0.02, 0.01"}, {"Edge radius", "0.004"}}));
  // The plate's body frame: e0 is x made normal to the axis (the axis is
  // not near x), turned about the axis by the rotation 4 t / 3 (t <= 3).
  Tensor<1, 3> e0({1.0, 0.0, 0.0});
  e0 -= (e0 * axis) * axis;
  e0 /= e0.norm();
  const Tensor<1, 3> e1 = cross_product_3d(axis, e0);

  // World-frame closed forms of the signed distance at time t.
  const auto closed_form =
    [&](const std::string &shape, const Point<3> &x, const double t) {
      const Point<3>     c = p0 + moved(t);
      const Tensor<1, 3> d = x - c;
      const double       z = d * axis;
      if (shape == "plane")
        return z;
      if (shape == "sphere")
        return d.norm() - R;
      if (shape == "cylinder")
        return (d - std::clamp(z, -L / 2, L / 2) * axis).norm() - R;
      if (shape == "plate")
        {
          const double angle = 4.0 / 3.0 * std::min(t, 3.0);
          const double xi  = d * (std::cos(angle) * e0 + std::sin(angle) * e1);
          const double eta = d * (-std::sin(angle) * e0 + std::cos(angle) * e1);
          if (std::abs(xi) <= a && std::abs(eta) <= b)
            return z;
          const double dx = std::max(std::abs(xi) - a, 0.0),
                       dy = std::max(std::abs(eta) - b, 0.0);
          return std::sqrt(dx * dx + dy * dy + (z + rim) * (z + rim)) - rim;
        }
      const double rho = (d - z * axis).norm();
      return std::hypot(rho - R, z) - r;
    };

  std::mt19937                           random(2026);
  std::uniform_real_distribution<double> u(-0.05, 0.05), time(0.0, 3.5);
  const std::vector<std::pair<std::string, const Obstacle *>> shapes = {
    {"plane", plane.get()},
    {"sphere", sphere.get()},
    {"cylinder", cylinder.get()},
    {"ring", ring.get()},
    {"plate", plate.get()}};
  for (const auto &[name, o] : shapes)
    {
      Worst gap_error, reconstruction, unit_normal, on_surface, normal_gradient,
        curvature;
      unsigned int inside = 0;
      for (unsigned int k = 0; k < 2000; ++k)
        {
          const double   t = time(random);
          const Point<3> x =
            p0 + moved(t) + Tensor<1, 3>({u(random), u(random), u(random)});
          const auto p = o->project(x, t);
          inside += p.gap < 0 ? 1 : 0;
          gap_error.add(std::abs(p.gap - closed_form(name, x, t)));
          reconstruction.add((x - (p.closest + p.gap * p.normal)).norm());
          unit_normal.add(std::abs(p.normal.norm() - 1));
          on_surface.add(std::abs(closed_form(name, p.closest, t)));
          // The normal is the gradient of the signed distance (central
          // differences of the closed form), away from the ridges where
          // the distance is not smooth.
          const double h = 1e-6;
          Tensor<1, 3> g;
          for (unsigned int d = 0; d < 3; ++d)
            {
              Point<3> a = x, b = x;
              a[d] += h;
              b[d] -= h;
              g[d] =
                (closed_form(name, a, t) - closed_form(name, b, t)) / (2 * h);
            }
          if (std::abs(p.gap) > 1e-3)
            normal_gradient.add((g - p.normal).norm());
          // d normal / d x against central differences of the normal (the
          // contact tangent's curvature term), relative to 1 + |dn/dx|,
          // away from the centre lines (|dn/dx| ~ 1 / distance > 500 / m)
          // where the differences' truncation error h^2 / rho^3 grows.
          Tensor<2, 3> dn;
          for (unsigned int d = 0; d < 3; ++d)
            {
              Point<3> xa = x, xb = x;
              xa[d] += h;
              xb[d] -= h;
              const Tensor<1, 3> diff =
                (o->project(xa, t).normal - o->project(xb, t).normal) / (2 * h);
              for (unsigned int i = 0; i < 3; ++i)
                dn[i][d] = diff[i];
            }
          if (p.normal_derivative.norm() < 500)
            curvature.add((dn - p.normal_derivative).norm() /
                          (1 + p.normal_derivative.norm()));
        }
      expect(within(gap_error.value, 1e-14),
             name + ": gap = closed-form signed distance, worst " +
               num(gap_error.value));
      expect(within(reconstruction.value, 1e-14),
             name + ": x = closest + gap normal, worst " +
               num(reconstruction.value));
      expect(within(unit_normal.value, 1e-14),
             name + ": |normal| = 1, worst " + num(unit_normal.value));
      expect(within(on_surface.value, 1e-14),
             name + ": closest point on the surface, worst " +
               num(on_surface.value));
      expect(within(normal_gradient.value, 1e-6),
             name + ": normal = gradient of the distance, worst " +
               num(normal_gradient.value));
      expect(within(curvature.value, 1e-6),
             name + ": d normal / dx = central differences, worst " +
               num(curvature.value) + " (relative)");
      expect(inside > 0 && inside < 2000,
             name + ": points on both sides (" + std::to_string(inside) +
               " of 2000 inside)");
    }

  // The motion: position at the knots and between them.
  for (const double t : {0.0, 0.5, 1.0, 2.0, 3.0, 4.0})
    expect(within((sphere->position(t) - (p0 + moved(t))).norm(), 1e-15),
           "position at t = " + num(t) + " = Position + Translation");
  expect(within(std::abs(sphere->angle(1.5) - 2.0), 1e-15),
         "rotation at t = 1.5 is 2 rad");

  // Bad input: one message naming the entry.
  const auto refused =
    [](const std::string                                      &shape,
       const std::vector<std::pair<std::string, std::string>> &settings,
       const std::string                                      &entry) {
      try
        {
          make(shape, settings);
        }
      catch (const InputError &e)
        {
          return std::string(e.what()).find(entry) != std::string::npos;
        }
      return false;
    };
  expect(refused("sphere", {{"Radius", "-1"}}, "Radius"),
         "negative radius refused");
  expect(refused("ring",
                 {{"Radius", "0.01"}, {"Minor radius", "0.02"}},
                 "Minor radius"),
         "minor radius above radius refused");
  expect(refused("plane", {{"Axis", "0, 0, 0"}}, "Axis"), "zero axis refused");
  expect(refused("plane",
                 {{"Translation", "1: 0, 0, 0; 0: 1, 1, 1"}},
                 "Translation"),
         "decreasing translation times refused");
  expect(refused("plane", {{"Translation", "0: 1, 2"}}, "Translation"),
         "translation knot with two numbers refused");
  return unit::finish();
}
