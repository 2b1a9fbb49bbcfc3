function __pr-embed_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-embed_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pr-embed_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pr-embed_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pr-embed_parse_tokens -S
    set -l unparsed_tokens (__pr-embed_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pr-embed'
        __pr-embed_parse_subcommand 1 'tasks=' 'llms=' 'encoder=' 'dim=' 'model-dir=' 'embeddings=' 'o/output=' 'in-place' 'q/quiet' 'v/verbose' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __pr-embed_parse_subcommand -r 1 'version'
        end
    end
end

function __pr-embed_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pr-embed_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __pr-embed_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pr-embed_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pr-embed_tokens -p)
    if test -z "$(__pr-embed_tokens -t)"
        set -l index (count (__pr-embed_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pr-embed' -f
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_positional "pr-embed" -eq 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'prg\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" tasks' -l 'tasks' -d 'Task descriptions (tasks.jsonl); without them a task is described by its id.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" llms' -l 'llms' -d 'LLM descriptions and prices (llms.jsonl); without them an LLM is described by its id, with no prices.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" encoder' -l 'encoder' -d 'The built-in encoder.' -rfka 'hashed minilm'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" dim' -l 'dim' -d 'Dimensions of the hashed encoder.' -rfka ''
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" model-dir' -l 'model-dir' -d 'The all-MiniLM-L6-v2 model folder (make model).' -rfa '(__pr-embed_complete_directories)'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" embeddings' -l 'embeddings' -d 'External vectors instead of the built-in encoder.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'jsonl\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" o output' -l 'output' -s 'o' -d 'Write the embedded graph here (atomically).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'prg\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" in-place' -l 'in-place' -d 'Replace the input graph file with the embedded graph (atomically) instead of writing -o.'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" q quiet' -l 'quiet' -s 'q' -d 'Print nothing on standard error but warnings and errors.'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" v verbose' -l 'verbose' -s 'v' -d 'Finish with the run\'s time and peak memory on standard error.'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" version' -l 'version' -d 'Show the version.'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_positional "pr-embed" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pr-embed' -n '__pr-embed_should_offer_completions_for_flags_or_options "pr-embed help" version' -l 'version' -d 'Show the version.'
