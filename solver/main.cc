// septa: finite-strain mechanics of layered buttock soft tissue.
#include <core/input_error.h>
#include <core/parameters.h>
#include <core/solid.h>

#include <deal.II/base/mpi.h>

#include <iostream>
#include <string>
#include <vector>

namespace
{
  const char *usage =
    "Usage: septa FILE.prm          run the scenario in FILE.prm\n"
    "       septa FILE.prm --resume DIR\n"
    "                                continue from the checkpoint DIR, or\n"
    "                                from the newest one in the folder DIR\n"
    "                                (any number of MPI ranks)\n"
    "       septa --print-parameters print every parameter with its default\n"
    "                                and documentation, in .prm form\n"
    "       septa --help             this text\n"
    "Under MPI: mpirun -np N septa FILE.prm\n"
    "Exit codes: 0 done, 1 bad input, 2 bad command line, 3 solve failed,\n"
    "            4 other error, 75 stopped by SIGTERM/SIGUSR1 after writing a\n"
    "            checkpoint (resume with --resume)\n";
} // namespace

int
main(int argc, char **argv)
{
  using namespace dealii;
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const bool root = Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0;
  try
    {
      std::vector<std::string> args(argv + 1, argv + argc);
      std::string              resume;
      for (std::size_t k = 0; k < args.size(); ++k)
        if (args[k] == "--resume")
          {
            if (k + 1 == args.size())
              {
                if (root)
                  std::cerr << "septa: --resume needs a folder.\n" << usage;
                return 2;
              }
            resume = args[k + 1];
            args.erase(args.begin() + k, args.begin() + k + 2);
            break;
          }
      if (args.size() != 1)
        {
          if (root)
            std::cerr << "septa: expected one parameter file.\n" << usage;
          return 2;
        }
      const std::string arg = args[0];
      if (arg == "--help" || arg == "-h")
        {
          if (root)
            std::cout << usage;
          return 0;
        }
      if (arg == "--print-parameters")
        {
          if (root)
            septa::RunParameters::print_parameters(std::cout);
          return 0;
        }
      if (!arg.empty() && arg[0] == '-')
        {
          if (root)
            std::cerr << "septa: unknown option '" << arg << "'.\n" << usage;
          return 2;
        }
      septa::RunParameters run;
      run.read(arg);
      septa::Solid solid(run, MPI_COMM_WORLD, resume);
      return solid.run();
    }
  catch (const septa::InputError &e)
    {
      if (root)
        std::cerr << "septa: input error: " << e.what() << std::endl;
      return 1;
    }
  catch (const septa::SolveError &e)
    {
      if (root)
        std::cerr << "septa: solve error: " << e.what() << std::endl;
      return 3;
    }
  catch (const std::exception &e)
    {
      if (root)
        std::cerr << "septa: error: " << e.what() << std::endl;
      return 4;
    }
  return 0;
}
